/**
 * RSS 2.0 with Google's `g:` namespace: the XML that Google, Microsoft, Meta and Pinterest all
 * read. The envelope and the item loop are shared; the channel decides which elements go in.
 */
import type { Product } from '../../catalog/product';
import type { Channel } from '../channels/channel';
import { escapeXml } from '../escape';
import { moneyFormatter } from '../fields';
import type { FeedHead, FeedWriter } from './writer';

export const GOOGLE_NS = 'http://base.google.com/ns/1.0';

export function rssWriter(channel: Channel, head: FeedHead): FeedWriter {
  const fields = channel.fields;
  // Tags are built once, not per item.
  const open = fields.map((f) => `<g:${f.name}>`);
  const close = fields.map((f) => `</g:${f.name}>\n`);
  // The last value escaped per attribute. Category, product type, brand, size, labels repeat
  // from one product to the next (variants of a group are adjacent in id order), and comparing
  // two strings is far cheaper than scanning and escaping one again.
  const lastIn = fields.map(() => '');
  const lastOut = fields.map(() => '');
  const shippingPrice = moneyFormatter();

  return {
    header: () =>
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<rss version="2.0" xmlns:g="${GOOGLE_NS}">\n<channel>\n` +
      `<title>${escapeXml(head.title)}</title>\n` +
      `<link>${escapeXml(head.link)}</link>\n` +
      `<description>${escapeXml(head.description)}</description>\n`,

    item(p: Product): string {
      let s = '<item>\n';
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i]!;
        switch (field.kind) {
          case 'text': {
            const value = field.read(p);
            if (value === '') break;
            if (field.plain) s += open[i]! + value + close[i]!;
            else if (value === lastIn[i]) s += lastOut[i]!;
            else {
              const element = open[i]! + escapeXml(value) + close[i]!;
              lastIn[i] = value;
              lastOut[i] = element;
              s += element;
            }
            break;
          }
          case 'list': {
            const list = field.read(p);
            for (let j = 0; j < list.length; j++) s += open[i]! + escapeXml(list[j]!) + close[i]!;
            break;
          }
          case 'shipping': {
            const rules = field.read(p);
            for (let j = 0; j < rules.length; j++) {
              const r = rules[j]!;
              s += `${open[i]!}<g:country>${escapeXml(r.country)}</g:country>`;
              if (r.region) s += `<g:region>${escapeXml(r.region)}</g:region>`;
              if (r.service) s += `<g:service>${escapeXml(r.service)}</g:service>`;
              s += `<g:price>${shippingPrice(r.price)}</g:price>${close[i]!}`;
            }
            break;
          }
        }
      }
      return s + '</item>\n';
    },

    footer: () => '</channel>\n</rss>\n',
  };
}
