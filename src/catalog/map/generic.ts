/**
 * Files in Google's own attribute names (the Merchant Center CSV/TSV/XML templates, Meta's
 * catalog template) or close to them: every column goes through the alias table, unknown
 * columns are kept as extra.
 */
import { InputBuilder } from './builder';
import type { MapContext, MappedRow, MapperResult, RowMapper, SourceRecord } from './types';

export class GenericMapper implements RowMapper {
  readonly dialect = 'generic' as const;

  constructor(private readonly ctx: MapContext) {}

  map(record: SourceRecord): MappedRow[] {
    const builder = new InputBuilder(this.ctx);
    for (const key of Object.keys(record.fields)) builder.column(key, record.fields[key]);
    return [{ line: record.line, input: builder.input, warnings: [] }];
  }

  finish(): MapperResult {
    return { rows: [], links: [], issues: [] };
  }
}
