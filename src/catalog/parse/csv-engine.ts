/**
 * csv-parse driven synchronously, one chunk at a time.
 *
 * `csv-parse/browser/esm` is the build without Node imports (it bundles polyfills of
 * `stream` and `Buffer`), so it runs on Workers. We use its documented stream API, but
 * synchronously: `write(chunk)` runs the parser over the chunk before returning and the
 * finished records wait in the readable buffer, so `read()` until null collects them with
 * no event-loop turn (its polyfilled nextTick is a setTimeout, which would cost a timer
 * per chunk).
 *
 * Writing strings makes the polyfill re-encode them with a JavaScript UTF-8 encoder, which
 * was 45% of CSV import time in a 100k-row profile. So chunks are encoded with the
 * native TextEncoder and wrapped, without copying, in the Buffer class csv-parse itself
 * uses (reached through its documented `options.delimiter`, a Buffer[]). When that class
 * cannot be found, strings are written: slower, same result.
 */
import { parse, type CsvError, type Parser } from 'csv-parse/browser/esm';

export interface CsvEngineOptions {
  delimiter: string;
  /** false for TSV: fields are taken literally (Google's TSV has no quoting) */
  quote: boolean;
}

interface BufferLike {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): unknown;
  isBuffer(value: unknown): boolean;
}

export class CsvEngine {
  private readonly parser: Parser;
  private readonly wrap: ((bytes: Uint8Array) => unknown) | null;
  private readonly encoder = new TextEncoder();
  private failure: CsvError | Error | null = null;
  private wrote = false;

  constructor(options: CsvEngineOptions) {
    this.parser = parse({
      delimiter: options.delimiter,
      quote: options.quote ? '"' : false,
      // Mixed line endings occur when files are concatenated or hand-edited in Excel.
      record_delimiter: ['\r\n', '\n', '\r'],
      // Ragged rows are reported per record by the caller, not as a parse failure.
      relax_column_count: true,
      // `5" screen` in an unquoted field is data, not a syntax error.
      relax_quotes: true,
      // The caller strips the BOM and counts blank lines itself, for exact line numbers.
      bom: false,
      skip_empty_lines: false,
    });
    this.parser.on('error', (err: Error) => {
      this.failure = err;
    });
    this.wrap = zeroCopyWrapper(this.parser);
  }

  /** Parses a chunk; returns the records it completed. */
  write(text: string): string[][] {
    if (text === '') return [];
    this.wrote = true;
    if (this.wrap) this.parser.write(this.wrap(this.encoder.encode(text)));
    else this.parser.write(text);
    return this.drain();
  }

  /** Parses what is left (a last line without a newline); returns its records. */
  end(): string[][] {
    // Ending a parser that never saw a byte makes the bundled stream polyfill call a
    // missing destroy(): there is nothing to flush anyway.
    if (!this.wrote) return [];
    this.parser.end();
    return this.drain();
  }

  /** A parse error (only an unclosed quote, with the relaxed options used here). */
  get error(): CsvError | Error | null {
    return this.failure;
  }

  private drain(): string[][] {
    const records: string[][] = [];
    for (let record = this.parser.read() as string[] | null; record !== null; record = this.parser.read() as string[] | null) {
      records.push(record);
    }
    return records;
  }
}

function zeroCopyWrapper(parser: Parser): ((bytes: Uint8Array) => unknown) | null {
  const sample: unknown = parser.options.delimiter[0];
  const impl = (sample as { constructor?: unknown } | undefined)?.constructor as Partial<BufferLike> | undefined;
  if (typeof impl?.from !== 'function' || typeof impl.isBuffer !== 'function') return null;
  const from = impl.from.bind(impl);
  try {
    const probe = new Uint8Array([44]);
    if (!impl.isBuffer(from(probe.buffer, 0, 1))) return null;
  } catch {
    return null;
  }
  return (bytes) => from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
