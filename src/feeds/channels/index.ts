/** The channel registry: definitions name a channel, the pipeline looks it up here. */
import type { Channel, ChannelName } from './channel';
import { google } from './google';
import { meta } from './meta';
import { pinterest } from './pinterest';
import { tiktok } from './tiktok';

export const CHANNELS: Readonly<Record<ChannelName, Channel>> = { google, meta, tiktok, pinterest };

export function getChannel(name: ChannelName): Channel {
  return CHANNELS[name];
}
