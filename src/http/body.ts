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
