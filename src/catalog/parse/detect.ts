/**
 * Which reader an upload goes to. An explicit `format=` wins (the merchant knows), then the
 * Content-Type (clients often send a generic one, so only specific types count), then the
 * first characters of the body.
 */
import { sniffEncoding } from './bytes';
import { IMPORT_FORMATS, type ImportFormat } from './types';
import { concatBytes } from '../../util/bytes';

const CONTENT_TYPES: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/comma-separated-values': 'csv',
  'text/tab-separated-values': 'tsv',
  'text/tsv': 'tsv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'application/json-seq': 'ndjson',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/rss+xml': 'xml',
  'application/atom+xml': 'xml',
};

export function detectFormat(
  contentType: string | undefined,
  formatParam: string | undefined,
  head: string,
): ImportFormat | null {
  const param = formatParam?.trim().toLowerCase();
  if (param) {
    if ((IMPORT_FORMATS as readonly string[]).includes(param)) return param as ImportFormat;
    if (param === 'jsonl') return 'ndjson';
    if (param === 'rss' || param === 'atom') return 'xml';
    return null; // a format we do not read: say so rather than guess
  }

  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type) {
    const known = CONTENT_TYPES[type];
    if (known) return known;
    // application/json covers both arrays and NDJSON in practice (Google's products.json
    // is NDJSON): let the first byte decide between them.
    if (type === 'application/json' || type === 'text/json') return head.trimStart().startsWith('{') ? 'ndjson' : 'json';
  }
  return sniffFormat(head);
}

/** Guesses from the first bytes: `<` XML, `[` JSON, `{` NDJSON, a tab in the header TSV, else CSV. */
export function sniffFormat(head: string): ImportFormat | null {
  const text = head.replace(/^\ufeff/, '').trimStart();
  if (text === '') return null;
  // NUL bytes mean a binary file (a spreadsheet, an archive, an image): no text format fits.
  if (text.includes('\u0000')) return null;
  const first = text[0];
  if (first === '<') return 'xml';
  if (first === '[') return 'json';
  if (first === '{') return 'ndjson';
  const headerLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  return headerLine.includes('\t') ? 'tsv' : 'csv';
}

/**
 * Reads the first bytes of a body for `detectFormat` and hands back a stream that still
 * starts at byte 0, so sniffing never costs a second copy of the upload.
 */
export async function peekHead(
  body: ReadableStream<Uint8Array>,
  bytes = 1024,
): Promise<{ head: string; body: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const seen: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    size += next.value.byteLength;
  }
  const joined = concatBytes(seen, size);
  const { encoding, bomLength } = sniffEncoding(joined);
  let head = '';
  if (encoding !== 'utf-16be') head = new TextDecoder(encoding).decode(joined.subarray(bomLength, Math.min(size, bytes)));
  else {
    const swapped = joined.slice(bomLength, bomLength + ((Math.min(size, bytes) - bomLength) & ~1));
    for (let i = 0; i + 1 < swapped.length; i += 2) [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
    head = new TextDecoder('utf-16le').decode(swapped);
  }
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
      if (done) controller.close();
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { head, body: replay };
}
