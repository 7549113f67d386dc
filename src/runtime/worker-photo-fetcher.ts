/**
 * The SSRF-guarded photo fetcher for Cloudflare Workers, where there is no DNS lookup and no
 * control over which address a subrequest connects to: only `fetch`. Product photo URLs come
 * from merchant feeds, so they are untrusted.
 *
 * What protects internal services here is mostly the platform: a Worker's subrequests leave
 * from Cloudflare's edge to the public internet, and the edge does not route them into the
 * operator's private networks (no RFC 1918, loopback, link-local or cloud-metadata address is
 * reachable from it). This fetcher adds what can be checked without resolving names, per hop
 * (the URL and each of at most 3 redirects, followed by hand with `redirect: 'manual'`):
 *  1. http(s) only, no credentials (src/creative/address-guard.ts checkUrl);
 *  2. an IP-literal host must be public or on the operator's allow-list (isForbiddenAddress),
 *     so `http://169.254.169.254/` or a redirect to `http://[::1]/` is refused outright, also
 *     under `wrangler dev`, where the "edge" is the developer's machine;
 *  3. a host name must look public: `localhost` and `*.localhost` (loopback by definition) only
 *     when the allow-list allows loopback, and single-label names (`intranet`, `metadata`) never.
 * One deadline (default 8 s) covers every hop and the whole body; the body is capped (default
 * 15 MB), refused up front on a larger Content-Length and cancelled while streaming, and refused
 * as soon as its first bytes show it is not a JPEG, PNG, WebP, GIF or AVIF image.
 */
import { checkUrl, ipLiteral, isForbiddenAddress, parseAllowList } from '../creative/address-guard';
import { PHOTO_MAX_BYTES, PHOTO_MAX_REDIRECTS, PHOTO_TIMEOUT_MS, PHOTO_USER_AGENT, REDIRECT_STATUSES } from '../creative/photo-limits';
import { PhotoError, type PhotoFetcher } from '../creative/ports';
import { sniffImage } from '../creative/sniff';
import { concatBytes } from '../util/bytes';

export interface WorkerPhotoFetcherOptions {
  /** addresses/CIDRs fetched although not public (e.g. 127.0.0.1 under wrangler dev); default none */
  allow?: string[];
  /** the whole fetch, redirects included; default 8000 */
  timeoutMs?: number;
  /** default 15 MB */
  maxBytes?: number;
  /** default 3 */
  maxRedirects?: number;
}

/** Bytes that decide the format (src/creative/sniff.ts reads the first 12). */
const SNIFF_BYTES = 12;

/** The hop's URL if it may be fetched, else the PhotoError saying why not. */
export function checkHop(url: string, allowed: (ip: string) => boolean): URL {
  const u = checkUrl(url);
  if (u instanceof PhotoError) throw u;
  const literal = ipLiteral(u.hostname);
  if (literal !== null) {
    const reason = allowed(literal) ? null : isForbiddenAddress(literal);
    if (reason) throw new PhotoError('refused_address', `refused to fetch from ${literal}: ${reason} address`);
    return u;
  }
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) {
    if (allowed('127.0.0.1') || allowed('::1')) return u;
    throw new PhotoError('refused_address', `refused to fetch from ${host}: loopback name`);
  }
  if (!host.includes('.')) throw new PhotoError('refused_address', `refused to fetch from ${host}: not a public host name`);
  return u;
}

export function workerPhotoFetcher(options: WorkerPhotoFetcherOptions = {}): PhotoFetcher {
  const allowed = parseAllowList(options.allow ?? []);
  const timeoutMs = options.timeoutMs ?? PHOTO_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? PHOTO_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? PHOTO_MAX_REDIRECTS;

  return async (url) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const timedOut = () => new PhotoError('timeout', `no complete response within ${timeoutMs} ms`);
    try {
      let current = url;
      for (let redirects = 0; ; redirects++) {
        const u = checkHop(current, allowed);
        const res = await fetch(u.href, {
          redirect: 'manual',
          signal: deadline,
          headers: { Accept: 'image/*', 'User-Agent': PHOTO_USER_AGENT },
        });
        if (REDIRECT_STATUSES.has(res.status)) {
          await res.body?.cancel();
          const location = res.headers.get('location');
          if (!location) throw new PhotoError('fetch_failed', `HTTP ${res.status} redirect without a Location`);
          if (redirects >= maxRedirects) throw new PhotoError('fetch_failed', `too many redirects (more than ${maxRedirects})`);
          current = nextUrl(location, u);
          continue;
        }
        if (res.status < 200 || res.status > 299) {
          await res.body?.cancel();
          throw new PhotoError('fetch_failed', `HTTP ${res.status} from ${u.host}`);
        }
        const declared = res.headers.get('content-length');
        if (declared !== null && Number(declared) > maxBytes) {
          await res.body?.cancel();
          throw new PhotoError('too_large', `the photo is ${declared} bytes, over the ${maxBytes} byte limit`);
        }
        return { bytes: await readPhoto(res.body, maxBytes), url: u.href };
      }
    } catch (err) {
      if (err instanceof PhotoError) throw err;
      if (deadline.aborted) throw timedOut();
      throw new PhotoError('fetch_failed', `cannot fetch the photo: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

function nextUrl(location: string, base: URL): string {
  try {
    return new URL(location, base).href;
  } catch {
    throw new PhotoError('fetch_failed', `invalid redirect location: ${location.slice(0, 200)}`);
  }
}

/** The body, read chunk by chunk: cancelled as soon as it passes the cap or shows it is not an image. */
async function readPhoto(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let sniffed = false;
  if (body) {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) throw new PhotoError('too_large', `the photo is over the ${maxBytes} byte limit`);
        chunks.push(value);
        if (!sniffed && total >= SNIFF_BYTES) {
          sniffed = true;
          if (!sniffImage(concatBytes(chunks, total))) throw notAnImage();
        }
      }
    } catch (err) {
      await reader.cancel().catch(() => {});
      throw err;
    }
  }
  const bytes = concatBytes(chunks, total);
  if (!sniffed && !sniffImage(bytes)) throw notAnImage();
  return bytes;
}

const notAnImage = () => new PhotoError('not_an_image', 'the response is not a JPEG, PNG, WebP, GIF or AVIF image');
