/** Upload bodies arrive as streams; these helpers handle them without buffering them whole. */
import { AppError } from '../errors';
import { concatBytes } from '../util/bytes';

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
    const inflated = body.pipeThrough(new DecompressionStream(format) as unknown as TransformStream<Uint8Array, Uint8Array>);
    // Corrupt or truncated compressed data makes the decompressor throw a zlib error (Z_DATA_ERROR),
    // which reached the error handler as a 500 (issue 7, test/hostile-input.test.ts): it is the
    // client's bad upload, so it becomes a 400 with the envelope instead.
    return mapReadErrors(
      inflated,
      () => new AppError(400, 'invalid_compression', `the body is not valid ${format} data (corrupt or truncated); nothing was changed`),
    );
  }
  throw new AppError(415, 'unsupported_encoding', `Content-Encoding "${enc}" is not accepted; send gzip, deflate or no encoding`);
}

/** The same stream, with any error while reading it replaced by `wrap()`. */
function mapReadErrors(source: ReadableStream<Uint8Array>, wrap: () => Error): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        controller.error(wrap());
        return;
      }
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
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
  // one chunk (a small body) is handed on as it is: a web stream's chunk is not pooled
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks, size);
}
