/**
 * Upload bodies arrive as streams; these helpers look at them without buffering them whole.
 */
import { AppError } from '../errors';

/** Reads the first chunk(s) up to `bytes` for format sniffing and returns a stream that still yields everything. */
export async function peekStream(
  body: ReadableStream<Uint8Array>,
  bytes = 512,
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const seen: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const r = await reader.read();
    if (r.done) {
      done = true;
      break;
    }
    seen.push(r.value);
    size += r.value.byteLength;
  }
  const head = new Uint8Array(size);
  let at = 0;
  for (const chunk of seen) {
    head.set(chunk, at);
    at += chunk.byteLength;
  }
  let replayed = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!replayed) {
        replayed = true;
        if (head.byteLength) controller.enqueue(head);
        if (done) controller.close();
        return;
      }
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { head, stream };
}

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
