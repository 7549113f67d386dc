/**
 * From an upload's byte stream to text chunks, without ever holding the whole body.
 *
 * Bytes are counted as they arrive so an oversized upload fails on the chunk that crosses
 * the cap, not after it was buffered. The encoding comes from a byte order mark (UTF-8,
 * UTF-16 LE/BE, as Excel's "Unicode text" export writes them), else from the null-byte
 * pattern of BOM-less UTF-16, else UTF-8. Decoding is strict: a Latin-1 file read as UTF-8
 * would silently turn `é` into `�` in every title, so it is refused with the line instead.
 */
import { ImportFileError, TooLargeError } from './errors';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Yields the body's chunks, throwing TooLargeError as soon as more than maxBytes arrived. */
export async function* cappedChunks(body: ReadableStream<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      total += value.byteLength;
      if (total > maxBytes) throw new TooLargeError(maxBytes);
      if (value.byteLength > 0) yield value;
    }
  } finally {
    // Stopped early (error, too large, consumer gave up): tell the source to stop sending.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

export interface OpenedBody {
  /** a TextEncodingName, or the label an XML declaration gave (`ISO-8859-1`) */
  encoding: string;
  /** The body with its byte order mark removed. */
  chunks: AsyncGenerator<Uint8Array>;
}

/**
 * Reads just enough of the body to know its encoding; the returned chunks replay those
 * bytes. For XML without a BOM, the declaration's `encoding="…"` counts, as XML says.
 */
export async function openBody(body: ReadableStream<Uint8Array>, maxBytes: number, opts: { xml?: boolean } = {}): Promise<OpenedBody> {
  const source = cappedChunks(body, maxBytes);
  let head: Uint8Array = new Uint8Array(0);
  const enough = () => head.byteLength >= (opts.xml ? 256 : 4) || (opts.xml === true && head.includes(0x3e /* > */));
  while (!enough()) {
    const next = await source.next();
    if (next.done) break;
    head = concat(head, next.value);
  }
  const sniffed = sniffEncoding(head);
  const encoding = sniffed.bomLength === 0 && sniffed.encoding === 'utf-8' && opts.xml ? (declaredEncoding(head) ?? 'utf-8') : sniffed.encoding;
  async function* replay(): AsyncGenerator<Uint8Array> {
    if (head.byteLength > sniffed.bomLength) yield head.subarray(sniffed.bomLength);
    yield* source;
  }
  return { encoding, chunks: replay() };
}

/** `<?xml version="1.0" encoding="ISO-8859-1"?>` → `iso-8859-1`; null for none or UTF-8. */
function declaredEncoding(head: Uint8Array): string | null {
  let ascii = '';
  for (let i = 0; i < head.length && i < 256; i++) ascii += String.fromCharCode(head[i]!);
  const m = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(ascii);
  const label = m?.[1]?.toLowerCase();
  return !label || label === 'utf-8' || label === 'utf8' ? null : label;
}

export function sniffEncoding(head: Uint8Array): { encoding: TextEncodingName; bomLength: number } {
  const [a, b, c, d] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  // No BOM: ASCII text in UTF-16 has a zero in every other byte.
  if (a !== undefined && b === 0 && a !== 0 && c !== undefined && c !== 0 && d === 0) return { encoding: 'utf-16le', bomLength: 0 };
  if (a === 0 && b !== undefined && b !== 0 && c === 0 && d !== undefined && d !== 0) return { encoding: 'utf-16be', bomLength: 0 };
  return { encoding: 'utf-8', bomLength: 0 };
}

/**
 * Decodes chunk by chunk (multi-byte characters split across chunks are handled by
 * `stream: true`). UTF-16 BE is byte-swapped to LE first: every runtime's TextDecoder has
 * LE, not every one (Workers) promises BE.
 */
export async function* decodeText(chunks: AsyncIterable<Uint8Array>, encoding: string): AsyncGenerator<string> {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding === 'utf-16be' ? 'utf-16le' : encoding, { fatal: true });
  } catch {
    throw new ImportFileError(`the file says it is in encoding "${encoding}", which cannot be read here; save it as UTF-8`, 1);
  }
  const swap = encoding === 'utf-16be' ? byteSwapper() : null;
  let lines = 1;
  const decode = (bytes: Uint8Array | undefined, last: boolean): string => {
    try {
      return last ? decoder.decode(bytes) : decoder.decode(bytes, { stream: true });
    } catch {
      throw new ImportFileError(
        `the file is not valid ${encoding.toUpperCase()} text; save it as UTF-8 (in Excel: "CSV UTF-8")`,
        bytes ? lines + newlinesBeforeBadByte(bytes, encoding) : lines,
      );
    }
  };
  for await (const chunk of chunks) {
    const text = decode(swap ? swap(chunk) : chunk, false);
    if (text.length > 0) {
      lines += countNewlines(text);
      yield text;
    }
  }
  const rest = decode(swap ? swap(new Uint8Array(0), true) : undefined, true);
  if (rest.length > 0) yield rest;
}

/** The lines a chunk starts with before its first undecodable byte, for the error message. */
function newlinesBeforeBadByte(bytes: Uint8Array, encoding: string): number {
  const text = new TextDecoder(encoding === 'utf-16be' ? 'utf-16le' : encoding).decode(bytes);
  const bad = text.indexOf('\ufffd');
  return countNewlines(bad < 0 ? text : text.slice(0, bad));
}

/** Counts line breaks the way editors show them: `\r\n`, `\n` and a lone `\r` are one each. */
export function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  if (text.includes('\r')) {
    for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

function byteSwapper(): (chunk: Uint8Array, last?: boolean) => Uint8Array {
  let carry: number | null = null;
  return (chunk, last = false) => {
    const input = carry === null ? chunk : concat(Uint8Array.of(carry), chunk);
    const even = input.byteLength - (input.byteLength % 2);
    const out = new Uint8Array(last ? input.byteLength : even);
    for (let i = 0; i < even; i += 2) {
      out[i] = input[i + 1]!;
      out[i + 1] = input[i]!;
    }
    carry = null;
    if (even < input.byteLength) {
      if (last) out[even] = input[even]!; // odd trailing byte: let the decoder reject it
      else carry = input[even]!;
    }
    return out;
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
