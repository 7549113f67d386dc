/**
 * Format readers: an uploaded byte stream in, raw line-numbered records out, one at a time.
 * Runs on Workers as well as Node: web streams and TextDecoder only, no `node:` imports.
 */
import { decodeText, openBody } from './bytes';
import { readDelimited, readDelimitedBatches } from './csv';
import { readJsonArray } from './json-array';
import { readNdjson } from './ndjson';
import type { ImportFormat, RawRecord } from './types';
import { readXml } from './xml';

export { ImportFileError, TooLargeError } from './errors';
export { detectFormat, peekHead, sniffFormat } from './detect';
export { IMPORT_FORMATS, type ImportFormat, type RawRecord } from './types';
export { unpinned } from './strings';

export interface ReadOptions {
  /** Bytes the body may have; one more and TooLargeError is thrown as it arrives. */
  maxBytes: number;
}

/**
 * Streams the records of a file. Record-level problems come out as `{ line, error }`
 * records; problems with the file as a whole throw ImportFileError (TooLargeError past
 * the byte cap), possibly after some records were already yielded.
 */
export function readRecords(body: ReadableStream<Uint8Array>, format: ImportFormat, opts: ReadOptions): AsyncGenerator<RawRecord> {
  // The format reader's generator is returned as it is, not re-yielded: every async
  // generator layer costs a promise per record, which shows at 100k records.
  const text = bodyText(body, opts.maxBytes, format === 'xml');
  switch (format) {
    case 'csv':
    case 'tsv':
      return readDelimited(text, format);
    case 'json':
      return readJsonArray(text);
    case 'ndjson':
      return readNdjson(text);
    case 'xml':
      return readXml(text);
  }
}

/**
 * The same records in batches: CSV and TSV a batch per text chunk (for importers, which
 * would otherwise pay a promise per record per generator), the other formats a record at a
 * time, as their readers find them.
 */
export function readRecordBatches(body: ReadableStream<Uint8Array>, format: ImportFormat, opts: ReadOptions): AsyncIterableIterator<RawRecord[]> {
  if (format === 'csv' || format === 'tsv') return readDelimitedBatches(bodyText(body, opts.maxBytes, false), format);
  // Wrapped without another generator layer: one `then` per record.
  const records = readRecords(body, format, opts);
  const one = (r: IteratorResult<RawRecord>): IteratorResult<RawRecord[]> => (r.done ? { done: true, value: undefined } : { done: false, value: [r.value] });
  const batches: AsyncIterableIterator<RawRecord[]> = {
    next: () => records.next().then(one),
    return: () => records.return(undefined).then(one),
    [Symbol.asyncIterator]: () => batches,
  };
  return batches;
}

/** The body as text chunks; the stream is only touched once the reader asks for text. */
async function* bodyText(body: ReadableStream<Uint8Array>, maxBytes: number, xml: boolean): AsyncGenerator<string> {
  const { encoding, chunks } = await openBody(body, maxBytes, { xml });
  yield* decodeText(chunks, encoding);
}
