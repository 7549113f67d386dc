/**
 * Files in Google's own attribute names (the Merchant Center CSV/TSV/XML templates, Meta's
 * catalog template) or close to them: every column goes through the alias table, unknown
 * columns are kept as extra.
 */
import { InputBuilder, targetOf, type ColumnTarget } from './builder';
import type { MapContext, MappedRow, MapperResult, RowMapper, SourceRecord } from './types';

export class GenericMapper implements RowMapper {
  readonly dialect = 'generic' as const;

  /** The header of the previous record and what each column feeds: a file's rows share one. */
  private keys: string[] = [];
  private targets: ColumnTarget[] = [];

  constructor(private readonly ctx: MapContext) {}

  map(record: SourceRecord): MappedRow[] {
    const keys = Object.keys(record.fields);
    if (!sameKeys(keys, this.keys)) {
      this.keys = keys;
      this.targets = keys.map(targetOf);
    }
    // Object.values follows the same order as Object.keys, in one call instead of a lookup per column.
    const values = Object.values(record.fields);
    const targets = this.targets;
    const builder = new InputBuilder(this.ctx);
    for (let i = 0; i < keys.length; i++) builder.columnTo(targets[i]!, keys[i]!, values[i]);
    return [{ line: record.line, input: builder.input, warnings: [] }];
  }

  finish(): MapperResult {
    return { rows: [], links: [], issues: [] };
  }
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
