/**
 * CSV and TSV files: header row, then one record per row.
 *
 * Line numbers come from the engine (csv-engine.ts): a record spans 1 + (line breaks inside
 * its quoted fields) lines, and blank lines come through as empty records that we count and
 * skip. The line of a record is where it starts, which is where a merchant's editor shows it.
 */
import { CsvEngine, type CsvRecord } from './csv-engine';
import { ImportFileError } from './errors';
import { emptyFields, type RawRecord } from './types';

/** How much text we wait for to see the whole header line before choosing a delimiter. */
const HEADER_SCAN_LIMIT = 1 << 20;

export async function* readDelimited(text: AsyncIterable<string>, format: 'csv' | 'tsv'): AsyncGenerator<RawRecord> {
  for await (const records of readDelimitedBatches(text, format)) for (const record of records) yield record;
}

/**
 * The records of a file, a batch per text chunk (empty batches are not yielded). Each
 * record passed through an async generator costs a promise and a microtask turn, a few
 * hundred milliseconds per 100k rows for every generator in a chain: importers take batches.
 */
export async function* readDelimitedBatches(text: AsyncIterable<string>, format: 'csv' | 'tsv'): AsyncGenerator<RawRecord[]> {
  const iterator = text[Symbol.asyncIterator]();
  let head = '';
  while (head.length < HEADER_SCAN_LIMIT) {
    const next = await iterator.next();
    if (next.done) break;
    head += next.value;
    if (/[\r\n]/.test(next.value)) break;
  }
  const quoted = format === 'csv';
  const engine = new CsvEngine({ delimiter: format === 'tsv' ? '\t' : sniffDelimiter(head), quote: quoted });

  let header: string[] | null = null;
  let makeRecord: ((fields: string[]) => Record<string, unknown>) | null = null;

  /** Pairs the records the engine completed with the header. */
  const take = (records: CsvRecord[]): RawRecord[] => {
    const out: RawRecord[] = [];
    for (const { fields: raw, line } of records) {
      const fields = quoted ? raw : raw.map(unwrapTsvQuotes);
      if (isBlank(fields)) continue;
      if (header === null) {
        header = headerNames(fields);
        makeRecord = recordMaker(header);
        continue;
      }
      out.push(toRecord(header, makeRecord!, fields, line));
    }
    return out;
  };

  let chunk: string | null = head;
  while (chunk !== null) {
    const records = take(engine.write(chunk));
    if (records.length > 0) yield records;
    const next = await iterator.next();
    chunk = next.done ? null : next.value;
  }
  const records = take(engine.end());
  if (records.length > 0) yield records;
  if (header === null) throw new ImportFileError('the file is empty: expected a header row');
}

/**
 * `;` is what Excel writes where the decimal mark is a comma (most of Europe). Counted
 * outside quotes on the header line, so a quoted `"Price; incl. VAT"` does not vote.
 */
export function sniffDelimiter(head: string): string {
  const line = head.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch in counts) counts[ch]!++;
  }
  const comma = counts[',']!;
  const semicolon = counts[';']!;
  const tab = counts['\t']!;
  if (tab > comma && tab > semicolon) return '\t';
  return semicolon > comma ? ';' : ',';
}

function isBlank(fields: string[]): boolean {
  for (const f of fields) if (f.trim() !== '') return false;
  return true;
}

/** Trimmed names; empty ones get a position name and repeats a suffix, so no column is lost. */
function headerNames(fields: string[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((raw, i) => {
    const name = raw.replace(/^\ufeff/, '').trim() || `column_${i + 1}`;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}

function toRecord(header: string[], make: (fields: string[]) => Record<string, unknown>, fields: string[], line: number): RawRecord {
  if (fields.length !== header.length) {
    // Trailing empty cells past the header are an Excel habit, not a broken row.
    const extraFilled = fields.slice(header.length).some((f) => f.trim() !== '');
    if (fields.length < header.length || extraFilled) {
      return {
        line,
        error: `row has ${fields.length} fields but the header has ${header.length} (a missing or extra delimiter, or an unquoted field containing one)`,
      };
    }
  }
  return { line, fields: make(fields) };
}

/**
 * Builds records as plain objects that all share one shape (fast to create and to read).
 * Adding two dozen properties one by one through computed keys turns an object into a
 * slow dictionary after a dozen (V8's limit for keyed stores), so each record is a copy of a
 * template that JSON.parse built with every column at once, and only overwrites values.
 * JSON.parse and object spread define keys as own data properties, so a column called
 * `__proto__` is a plain key, and assigning it then sets that own property, not the prototype.
 */
function recordMaker(header: string[]): (fields: string[]) => Record<string, unknown> {
  const blank: Record<string, string> = emptyFields() as Record<string, string>;
  for (const name of header) Object.defineProperty(blank, name, { value: '', enumerable: true, writable: true, configurable: true });
  const template = JSON.parse(JSON.stringify(blank)) as Record<string, unknown>;
  // The template's own key strings (property keys are interned): storing by a key that is
  // not would look it up in V8's string table on every store.
  const interned = new Map(Object.keys(template).map((k) => [k, k]));
  const keys = header.map((name) => interned.get(name) ?? name);
  const n = keys.length;
  return (fields) => {
    const record = { ...template };
    for (let i = 0; i < n; i++) record[keys[i]!] = fields[i] ?? '';
    return record;
  };
}

/** TSV is read unquoted; a field Excel did quote (`"a ""b"""`) is unwrapped leniently. */
function unwrapTsvQuotes(field: string): string {
  if (field.length >= 2 && field.charCodeAt(0) === 34 && field.charCodeAt(field.length - 1) === 34) {
    return field.slice(1, -1).replaceAll('""', '"');
  }
  return field;
}
