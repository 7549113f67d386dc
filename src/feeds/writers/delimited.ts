/**
 * CSV (RFC 4180) and TSV rows, one column per channel attribute in the channel's order. Every
 * row has exactly the header's column count: an empty attribute is an empty cell.
 */
import type { Product } from '../../catalog/product';
import type { Channel } from '../channels/channel';
import { csvField, tsvField } from '../escape';
import { flatList, flatShipping, type FeedWriter } from './writer';

export function delimitedWriter(channel: Channel, format: 'csv' | 'tsv'): FeedWriter {
  const fields = channel.fields;
  const delimiter = format === 'csv' ? ',' : '\t';
  const cell = format === 'csv' ? csvField : tsvField;
  const header = fields.map((f) => cell(f.name)).join(delimiter) + '\n';

  return {
    header: () => header,

    item(p: Product): string {
      let s = '';
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i]!;
        if (i > 0) s += delimiter;
        switch (field.kind) {
          case 'text': {
            const value = field.read(p);
            if (value !== '') s += field.plain ? value : cell(value);
            break;
          }
          case 'list': {
            const values = field.read(p);
            if (values.length > 0) s += cell(flatList(values));
            break;
          }
          case 'shipping': {
            const rules = field.read(p);
            if (rules.length > 0) s += cell(flatShipping(rules));
            break;
          }
        }
      }
      return s + '\n';
    },

    footer: () => '',
  };
}
