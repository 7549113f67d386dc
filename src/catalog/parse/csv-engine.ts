/**
 * The CSV/TSV tokenizer: text chunks in, records with the line each starts on out.
 *
 * Our own, and string-based, because neither library on hand fits:
 * - csv-parse's portable build (`csv-parse/browser/esm`, the one without `node:` imports, so
 *   it runs on Workers) works byte by byte on a bundled JavaScript Buffer polyfill and UTF-8
 *   decoder: ~12 MB/s, nearly half of a 100k-row import. Even its Node build walks bytes
 *   through generic multi-byte delimiter checks.
 * - papaparse's Parser works on strings and is fast, but takes exactly one newline sequence
 *   per file (`\n`, `\r\n` or `\r`). Files that mix them (concatenated exports, rows added
 *   in Excel) are something we promise to read, and telling a row break from a line break
 *   inside a quoted field needs a quote-aware pass: that pass is this parser.
 *
 * Semantics are csv-parse's with the options we used (record delimiters `\r\n`, `\n`, `\r`;
 * relaxed quotes and column counts; empty lines come out as `['']`), so behaviour did not
 * change with the engine:
 * - a field starting with `"` is quoted; `""` inside it is one `"`; it may hold delimiters
 *   and line breaks;
 * - a quote followed by anything but a delimiter, a line break or the end closes the quoted
 *   part leniently: `"a"b` is the text `"a"b`;
 * - a `"` inside an unquoted field is data (`5" screen`);
 * - a quoted field still open at the end of the file is an error (ImportFileError with the
 *   line its record starts on).
 * Unquoted fields are found with a char-code loop, quoted ones with indexOf, and a field cut
 * by a chunk boundary is carried over as text, so no chunk is scanned twice (~240 MB/s, 20×
 * the portable csv-parse). test/catalog-parse.test.ts holds it to csv-parse's output.
 */
import { countNewlines } from './bytes';
import { ImportFileError } from './errors';
import { MIN_VIEW_LENGTH, unpinned } from './strings';

export interface CsvEngineOptions {
  /** one character: `,`, `;` or a tab */
  delimiter: string;
  /** false for TSV: fields are taken literally (Google's TSV has no quoting) */
  quote: boolean;
}

export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on; a line break is `\r\n`, `\n` or a lone `\r` */
  line: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

// Parser states.
/** before the first character of a field */
const FIELD_START = 0;
/** inside an unquoted field (or the rest of a leniently closed quoted one) */
const UNQUOTED = 1;
/** inside a quoted field */
const QUOTED = 2;
/** just after a `"` inside a quoted field: an escape, the closing quote, or a lenient one */
const QUOTE_IN_QUOTED = 3;

export class CsvEngine {
  private readonly delimiter: number;
  private readonly quoting: boolean;
  private state = FIELD_START;
  /** completed fields of the current record */
  private fields: string[] = [];
  /** per completed field: [start, end) in the current chunk, or -1, -1 when it is not one plain slice of it */
  private spans: number[] = [];
  /** text of the current field read so far */
  private field = '';
  /** where the current field's text starts in the current chunk, while it is one plain slice of it; else -1 */
  private fieldFrom = -1;
  /** the current field went through quotes, so it may hold line breaks */
  private quoted = false;
  /** the current record has consumed at least one character */
  private started = false;
  /** where the current record starts in the current chunk; -1 when it started in an earlier one */
  private recordFrom = 0;
  /** line the current record starts on */
  private line = 1;
  /** line breaks inside quoted fields of the current record */
  private innerLines = 0;
  /** the previous chunk ended with a record-ending `\r`: a `\n` starting this one belongs to it */
  private skipLf = false;

  constructor(options: CsvEngineOptions) {
    if (options.delimiter.length !== 1) throw new Error('the delimiter must be one character');
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quoting = options.quote;
  }

  /** Parses a chunk; returns the records it completed. */
  write(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const len = text.length;
    const delimiter = this.delimiter;
    let pos = 0;
    if (this.skipLf && len > 0) {
      this.skipLf = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    this.recordFrom = this.started ? -1 : pos;
    this.fieldFrom = -1;
    while (pos < len) {
      const state = this.state;
      if (state === FIELD_START || state === UNQUOTED) {
        if (state === FIELD_START && this.quoting && text.charCodeAt(pos) === QUOTE) {
          this.state = QUOTED;
          this.quoted = true;
          this.started = true;
          this.fieldFrom = ++pos;
          continue;
        }
        let end = pos;
        let c = 0;
        for (; end < len; end++) {
          c = text.charCodeAt(end);
          if (c === delimiter || c === LF || c === CR) break;
        }
        this.started = true;
        if (end === len) {
          // the field goes on in the next chunk
          this.field += text.slice(pos, end);
          this.state = UNQUOTED;
          break;
        }
        if (this.field === '') this.endField(text.slice(pos, end), pos, end);
        else this.endField(this.field + text.slice(pos, end), -1, -1);
        pos = c === delimiter ? end + 1 : this.endRecord(out, text, end);
      } else if (state === QUOTED) {
        const q = text.indexOf('"', pos);
        if (q === -1) {
          this.field += text.slice(pos);
          break;
        }
        if (q > pos) this.field += text.slice(pos, q);
        this.state = QUOTE_IN_QUOTED;
        pos = q + 1;
      } else {
        // QUOTE_IN_QUOTED: pos is the character after the quote
        const c = text.charCodeAt(pos);
        if (c === QUOTE) {
          this.field += '"';
          this.fieldFrom = -1; // the text is no longer a plain slice
          this.state = QUOTED;
          pos++;
        } else if (c === delimiter) {
          this.endField(this.field, this.fieldFrom, pos - 1);
          pos++;
        } else if (c === LF || c === CR) {
          this.endField(this.field, this.fieldFrom, pos - 1);
          pos = this.endRecord(out, text, pos);
        } else {
          // `"a"b`: not a closing quote after all; the field is its text, quotes included
          this.field = `"${this.field}"`;
          this.fieldFrom = -1;
          this.state = UNQUOTED;
        }
      }
    }
    return out;
  }

  /** Parses what is left (a last line without a line break); returns its records. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.state === QUOTED) {
      throw new ImportFileError('a quoted field is never closed: the file ends inside quotes (an unmatched `"`)', this.line);
    }
    if (this.started) {
      this.endField(this.field, -1, -1);
      this.recordFrom = -1;
      this.pushRecord(out, '', 0);
    }
    return out;
  }

  private endField(value: string, from: number, to: number): void {
    if (this.quoted) {
      this.innerLines += countNewlines(value);
      this.quoted = false;
    }
    this.fields.push(value);
    this.spans.push(from, from === -1 ? -1 : to);
    this.field = '';
    this.fieldFrom = -1;
    this.state = FIELD_START;
  }

  /** Ends the record at the line break at `at`; returns the position after the break. */
  private endRecord(out: CsvRecord[], text: string, at: number): number {
    this.pushRecord(out, text, at);
    this.line += 1 + this.innerLines;
    this.innerLines = 0;
    let next = at + 1;
    if (text.charCodeAt(at) === CR) {
      if (next === text.length) this.skipLf = true;
      else if (text.charCodeAt(next) === LF) next++;
    }
    this.recordFrom = next;
    return next;
  }

  /**
   * Hands on the record with fields that do not keep the chunk alive (see strings.ts): a
   * short value held in a cache or a report would otherwise pin a whole decoded chunk,
   * 128 KB. Copying each field would add half the parse time; instead the record's text is
   * copied once and its fields are sliced from the copy, so a value kept pins its record at
   * most. Values kept for the whole file (ids for duplicate checks…) are `unpinned` by
   * whoever keeps them.
   */
  private pushRecord(out: CsvRecord[], text: string, end: number): void {
    const fields = this.fields;
    const spans = this.spans;
    const from = this.recordFrom;
    const copy = from >= 0 && end - from >= MIN_VIEW_LENGTH ? unpinned(text.slice(from, end)) : null;
    for (let i = 0; i < fields.length; i++) {
      const value = fields[i]!;
      if (value.length < MIN_VIEW_LENGTH) continue; // already a copy
      const start = spans[2 * i]!;
      fields[i] = copy !== null && start >= 0 ? copy.slice(start - from, spans[2 * i + 1]! - from) : unpinned(value);
    }
    out.push({ fields, line: this.line });
    this.fields = [];
    this.spans = [];
    this.started = false;
  }
}
