/**
 * Signed image URLs. Rendering costs CPU, so a URL that asks for more than the default
 * (another size, a per-visitor image) must carry `sig`: an HMAC-SHA256 of its path and sorted
 * query (without `sig`) under SIGNING_KEY, cut to 128 bits. Strangers cannot mint URLs that make
 * the server render arbitrary work; feeds and the admin UI mint them. Web Crypto: same code on
 * Node and Workers.
 */
import { timingSafeEqual } from 'hono/utils/buffer';

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

/** `path?a=1&b=2` with the parameters sorted and `sig` left out: what is signed. */
export function canonical(path: string, params: URLSearchParams): string {
  const entries = [...params].filter(([k]) => k !== 'sig').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? path : `${path}?${new URLSearchParams(entries).toString()}`;
}

export async function sign(secret: string, path: string, params: URLSearchParams): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), new TextEncoder().encode(canonical(path, params)));
  let s = '';
  for (const b of new Uint8Array(mac).subarray(0, 16)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function verify(secret: string, path: string, params: URLSearchParams): Promise<boolean> {
  const given = params.get('sig');
  if (!given) return false;
  return timingSafeEqual(given, await sign(secret, path, params));
}
