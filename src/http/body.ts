/** Upload bodies arrive as streams; these helpers handle them without buffering them whole. */
import { AppError } from '../errors';

/**
 * Undo a Content-Encoding on an upload. Only gzip/deflate are taken; the importers cap the
 * decompressed size, which is what stops a gzip bomb.
 */
export function decodeContentEncoding(
  body: ReadableStream<Uint8Array>,
  encoding: string | undefined,
): ReadableStream<Uint8Array> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body;
  if (enc === 'gzip' || enc === 'x-gzip' || enc === 'deflate') {
    const format = enc === 'deflate' ? 'deflate' : 'gzip';
    return body.pipeThrough(new DecompressionStream(format) as unknown as TransformStream<Uint8Array, Uint8Array>);
  }
  throw new AppError(415, 'unsupported_encoding', `Content-Encoding "${enc}" is not accepted; send gzip, deflate or no encoding`);
}

export function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}

/**
 * Reads a whole body, refusing it (`tooLarge()` is thrown) as soon as it passes `maxBytes`, with
 * or without Content-Length.
 */
export async function readCappedBytes(req: Request, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (Number.isFinite(declared)) {
    // The HTTP parser holds the body to its declared length, so reading it whole is safe. On Node
    // this is also @hono/node-server's fast path: no web Request or stream is built per request.
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw tooLarge();
    return bytes;
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return all;
}
