/**
 * Picks a response encoding from Accept-Encoding (q-values honoured, `identity;q=0` respected)
 * and wraps a body stream in the matching compressor. Feeds are large and highly repetitive XML or
 * CSV: gzip typically shrinks them 8-15x, brotli a little more.
 */
import type { AppDeps, Encoding } from '../deps';

export function negotiateEncoding(
  acceptEncoding: string | undefined,
  available: readonly Encoding[],
): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q=([0-9.]+)\s*$/.exec(p);
      if (m?.[1]) weight = Number(m[1]);
    }
    q.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const enc of available) {
    const weight = q.get(enc) ?? q.get('*') ?? 0;
    if (weight > bestQ) {
      best = enc;
      bestQ = weight;
    }
  }
  return best;
}

export function availableEncodings(deps: AppDeps): Encoding[] {
  if (deps.compressors === null) return [];
  const list: Encoding[] = [];
  if (deps.compressors?.br) list.push('br');
  if (deps.compressors?.gzip || typeof CompressionStream !== 'undefined') list.push('gzip');
  return list;
}

export function compressStream(
  body: ReadableStream<Uint8Array>,
  encoding: Encoding,
  deps: AppDeps,
): ReadableStream<Uint8Array> {
  const make = deps.compressors?.[encoding];
  if (make) return body.pipeThrough(make());
  return body.pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
}
