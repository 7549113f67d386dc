/** Byte helpers shared by readers that collect a body in chunks (uploads, photo fetches, sniffing). */

/**
 * The chunks copied into one new, plain Uint8Array (never a chunk itself: a Node Buffer chunk
 * can be a view into a shared pool). `total` is their summed length when the caller kept it.
 */
export function concatBytes(chunks: readonly Uint8Array[], total = chunks.reduce((n, c) => n + c.byteLength, 0)): Uint8Array {
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return all;
}
