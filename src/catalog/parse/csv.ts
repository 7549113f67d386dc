/**
 * CSV and TSV files: header row, then one record per row.
 *
 * Line numbers are counted here, not taken from csv-parse: its counter sees `\r\n` inside a
 * quoted field as two lines. Newlines can only occur inside quoted fields, so a record
 * spans 1 + (newlines in its fields) lines, and blank lines come through as empty records
 * that we count and skip. The line of a record is where it starts, which is where a
 * merchant's editor shows it.
 */
import { CsvEngine } from './csv-engine';
import { countNewlines } from './bytes';
import { ImportFileError } from './errors';
import { emptyFields, type RawRecord } from './types';

/** How much text we wait for to see the whole header line before choosing a delimiter. */
const HEADER_SCAN_LIMIT = 1 << 20;

export async function* readDelimited(text: AsyncIterable<string>, format: 'csv' | 'tsv'): AsyncGenerator<RawRecord> {
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
  let nextLine = 1; // line the next record starts on
  let sawCr = false; // until a chunk has a CR, fields need checking for LF only

  /** Line-numbers the records csv-parse completed and pairs them with the header. */
  const take = (records: string[][], out: RawRecord[]): RawRecord[] => {
    for (const raw of records) {
      const line = nextLine;
      const fields = quoted ? raw : raw.map(unwrapTsvQuotes);
      if (quoted) {
        let extra = 0;
        for (const field of fields) if (field.includes('\n') || (sawCr && field.includes('\r'))) extra += countNewlines(field);
        nextLine += 1 + extra;
      } else nextLine += 1;

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

  const failIfBroken = () => {
    const err = engine.error;
    if (!err) return;
    const code = (err as { code?: string }).code;
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new ImportFileError('a quoted field is never closed: the file ends inside quotes (an unmatched `"`)', nextLine);
    }
    throw new ImportFileError(`CSV parse error: ${err.message}`, nextLine);
  };

  // Records are yielded from a plain loop: `yield*` over a nested generator would add a
  // promise per record.
  let chunk: string | null = head;
  while (chunk !== null) {
    if (!sawCr && chunk.includes('\r')) sawCr = true;
    const records = engine.write(chunk);
    failIfBroken();
    for (const record of take(records, [])) yield record;
    const next = await iterator.next();
    chunk = next.done ? null : next.value;
  }
  const records = engine.end();
  failIfBroken();
  for (const record of take(records, [])) yield record;
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
 * Builds records as plain objects that all share one shape (fast to create and to read,
 * unlike dictionary-mode null-prototype objects). Only `__proto__` cannot be assigned
 * safely, so a column of that name is defined as an own property instead.
 */
function recordMaker(header: string[]): (fields: string[]) => Record<string, unknown> {
  const unsafe = header.map((name) => name === '__proto__');
  if (!unsafe.includes(true)) {
    return (fields) => {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) record[header[i]!] = fields[i] ?? '';
      return record;
    };
  }
  return (fields) => {
    const record = emptyFields();
    for (let i = 0; i < header.length; i++) {
      Object.defineProperty(record, header[i]!, { value: fields[i] ?? '', enumerable: true, writable: true, configurable: true });
    }
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
