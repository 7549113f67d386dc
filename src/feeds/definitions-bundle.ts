/**
 * The shipped feed definitions, imported statically so the Node server and the Workers
 * bundle get them alike, without a filesystem. Parsed (and so validated) at module load:
 * a broken definition fails startup, not the first feed request.
 */
import google from '../../feeds/google.json' with { type: 'json' };
import meta from '../../feeds/meta.json' with { type: 'json' };
import metaXml from '../../feeds/meta-xml.json' with { type: 'json' };
import metaCreatives from '../../feeds/meta-creatives.json' with { type: 'json' };
import microsoft from '../../feeds/microsoft.json' with { type: 'json' };
import pinterest from '../../feeds/pinterest.json' with { type: 'json' };
import tiktok from '../../feeds/tiktok.json' with { type: 'json' };
import { parseDefinitions, type FeedDefinition } from './definition';

export const builtinDefinitions: FeedDefinition[] = parseDefinitions([
  { file: 'feeds/google.json', json: google },
  { file: 'feeds/microsoft.json', json: microsoft },
  { file: 'feeds/meta.json', json: meta },
  { file: 'feeds/meta-xml.json', json: metaXml },
  { file: 'feeds/meta-creatives.json', json: metaCreatives },
  { file: 'feeds/tiktok.json', json: tiktok },
  { file: 'feeds/pinterest.json', json: pinterest },
]);
