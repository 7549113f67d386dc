/**
 * From raw records to product inputs: header aliases and shop dialects. The dialect is
 * decided on the first record (a file has one layout) and reported, so a merchant can see
 * which export their file was read as.
 */
import { detectDialect } from './dialect';
import { GenericMapper } from './generic';
import { GoogleRetailMapper } from './google-retail';
import { MagentoMapper } from './magento';
import { ShopifyMapper } from './shopify';
import type { Dialect, MapContext, MappedRow, MapperResult, RowMapper, SourceRecord } from './types';
import { WooCommerceMapper } from './woocommerce';

export { ATTRIBUTES, ATTRIBUTE_SET, type Attribute } from './aliases';
export { normalizeAvailability } from './availability';
export { detectDialect } from './dialect';
export { normalizeKey } from './keys';
export { cleanLine, cleanMultiline, decodeEntities, stripHtml } from './text';
export type { Dialect, MapContext, MappedRow, MapperResult, ProductInput, RowMapper, SourceRecord } from './types';

export function createDialectMapper(dialect: Dialect, ctx: MapContext): RowMapper {
  switch (dialect) {
    case 'shopify':
      return new ShopifyMapper(ctx);
    case 'woocommerce':
      return new WooCommerceMapper(ctx);
    case 'magento':
      return new MagentoMapper(ctx);
    case 'google_retail':
      return new GoogleRetailMapper(ctx);
    case 'generic':
      return new GenericMapper(ctx);
  }
}

/** A mapper that picks its dialect from the first record's field names. */
export function createRowMapper(ctx: MapContext): RowMapper {
  let inner: RowMapper | null = null;
  return {
    get dialect(): Dialect {
      return inner?.dialect ?? 'generic';
    },
    map(record: SourceRecord): MappedRow[] {
      inner ??= createDialectMapper(detectDialect(Object.keys(record.fields)), ctx);
      return inner.map(record);
    },
    finish(): MapperResult {
      return inner?.finish() ?? { rows: [], links: [], issues: [] };
    },
  };
}
