/**
 * Signed image URLs. Rendering costs CPU, so a URL that asks for more than the default
 * (another size, a per-visitor image) must carry `sig`: an HMAC-SHA256 of its path and sorted
 * query (without `sig`) under SIGNING_KEY, cut to 128 bits. Strangers cannot mint URLs that make
 * the server render arbitrary work; feeds and the admin UI mint them. Web Crypto: same code on
 * Node and Workers.
 */
import { timingSafeEqual } from 'hono/utils/buffer';
import { base64Url, hmacSha256 } from '../util/crypto';

/** `path?a=1&b=2` with the parameters sorted and `sig` left out: what is signed. */
export function canonical(path: string, params: URLSearchParams): string {
  const entries = [...params].filter(([k]) => k !== 'sig').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? path : `${path}?${new URLSearchParams(entries).toString()}`;
}

export async function sign(secret: string, path: string, params: URLSearchParams): Promise<string> {
  const mac = await hmacSha256(secret, canonical(path, params));
  return base64Url(mac.subarray(0, 16));
}

export async function verify(secret: string, path: string, params: URLSearchParams): Promise<boolean> {
  const given = params.get('sig');
  if (!given) return false;
  return timingSafeEqual(given, await sign(secret, path, params));
}
