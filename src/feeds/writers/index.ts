/** Picks the writer for a channel and format: RSS for XML, the delimited writer for CSV/TSV. */
import type { Channel, FeedFormat } from '../channels/channel';
import { delimitedWriter } from './delimited';
import { rssWriter } from './rss';
import type { FeedHead, FeedWriter } from './writer';

export { CONTENT_TYPES, type FeedHead, type FeedWriter } from './writer';

export function createWriter(channel: Channel, format: FeedFormat, head: FeedHead): FeedWriter {
  if (!channel.formats.includes(format))
    throw new Error(`${channel.label} feeds are ${channel.formats.join(', ')}, not ${format}`);
  return format === 'xml' ? rssWriter(channel, head) : delimitedWriter(channel, format);
}
