/**
 * The SSRF-guarded photo fetcher for Node. Product photo URLs come from merchant feeds, so they
 * are untrusted: a URL may point at the metadata service, at localhost, or at a name that
 * resolves (or later re-resolves) to an internal address.
 *
 * Per hop (the URL itself and each of at most `maxRedirects` redirects):
 *  1. checkUrl: http(s) only, no credentials;
 *  2. resolve the host once (an IP literal is used as is) and refuse if ANY address it resolves
 *     to is refused (isForbiddenAddress) and not on the operator's allow-list;
 *  3. connect to exactly that checked address: the request gets a `lookup` that answers with it,
 *     whatever is asked, so a second DNS answer (DNS rebinding) is never used. Host header and
 *     TLS SNI/certificate check stay on the original hostname.
 * One deadline (default 8 s) covers DNS, connect, redirects and the whole body; the body is
 * capped (default 15 MB), refused up front on a larger Content-Length and aborted while streaming.
 * Content-Type is not checked: photos.ts sniffs the bytes.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkUrl, ipLiteral, isForbiddenAddress, parseAllowList } from '../creative/address-guard';
import { PHOTO_MAX_BYTES, PHOTO_MAX_REDIRECTS, PHOTO_TIMEOUT_MS, PHOTO_USER_AGENT, REDIRECT_STATUSES } from '../creative/photo-limits';
import { PhotoError, type PhotoFetcher } from '../creative/ports';
import { concatBytes } from '../util/bytes';

export interface NodePhotoFetcherOptions {
  /** addresses/CIDRs fetched although not public (an internal CDN); default none */
  allow?: string[];
  /** the whole fetch, redirects included; default 8000 */
  timeoutMs?: number;
  /** default 15 MB */
  maxBytes?: number;
  /** default 3 */
  maxRedirects?: number;
  /** host name to addresses; default the system resolver (dns.lookup). For tests and custom DNS. */
  resolve?: (hostname: string) => Promise<string[]>;
}

/** Every address the system resolver gives for a name (what a plain connect could pick from). */
export async function resolveHost(hostname: string): Promise<string[]> {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

/**
 * The address to connect to for `hostname`, given what it resolved to: refused (throws
 * 'refused_address') when any of them is neither public nor allowed, else the first one.
 */
export function pickAddress(hostname: string, addresses: readonly string[], allowed: (ip: string) => boolean): string {
  if (addresses.length === 0) throw new PhotoError('fetch_failed', `${hostname} did not resolve to any address`);
  for (const address of addresses) {
    if (allowed(address)) continue;
    const reason = isForbiddenAddress(address);
    if (reason) {
      const via = address === hostname ? '' : ` (${hostname} resolves to it)`;
      throw new PhotoError('refused_address', `refused to fetch from ${address}: ${reason} address${via}`);
    }
  }
  return addresses[0]!;
}

/**
 * A `lookup` for http(s).request that answers every query with the one pre-validated address,
 * so the socket connects where the check looked, never to a fresh DNS answer.
 */
export function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family } satisfies LookupAddress]);
    else callback(null, address, family);
  };
}

export function nodePhotoFetcher(options: NodePhotoFetcherOptions = {}): PhotoFetcher {
  const allowed = parseAllowList(options.allow ?? []);
  const timeoutMs = options.timeoutMs ?? PHOTO_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? PHOTO_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? PHOTO_MAX_REDIRECTS;
  const resolve = options.resolve ?? resolveHost;

  return async (url) => {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const timedOut = () => new PhotoError('timeout', `no complete response within ${timeoutMs} ms`);
    try {
      let current = url;
      for (let redirects = 0; ; redirects++) {
        const u = checkUrl(current);
        if (u instanceof PhotoError) throw u;
        const literal = ipLiteral(u.hostname);
        const addresses = literal ? [literal] : await resolveWithin(u.hostname, resolve, deadline.signal, timedOut);
        const address = pickAddress(literal ?? u.hostname, addresses, allowed);
        if (deadline.signal.aborted) throw timedOut();

        const hop = await requestOnce(u, address, maxBytes, deadline.signal, timedOut);
        if (hop.kind === 'body') return { bytes: hop.bytes, url: u.href };
        if (redirects >= maxRedirects) throw new PhotoError('fetch_failed', `too many redirects (more than ${maxRedirects})`);
        try {
          current = new URL(hop.location, u).href;
        } catch {
          throw new PhotoError('fetch_failed', `invalid redirect location: ${hop.location.slice(0, 200)}`);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  };
}

async function resolveWithin(
  hostname: string,
  resolve: (hostname: string) => Promise<string[]>,
  signal: AbortSignal,
  timedOut: () => PhotoError,
): Promise<string[]> {
  // dns.lookup cannot be cancelled; the fetch stops waiting for it at the deadline.
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(timedOut());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      resolve(hostname).catch((err: unknown) => {
        throw new PhotoError('fetch_failed', `cannot resolve ${hostname}: ${err instanceof Error ? err.message : String(err)}`);
      }),
      aborted,
    ]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

type Hop = { kind: 'redirect'; location: string } | { kind: 'body'; bytes: Uint8Array };

function requestOnce(u: URL, address: string, maxBytes: number, signal: AbortSignal, timedOut: () => PhotoError): Promise<Hop> {
  return new Promise<Hop>((resolve, reject) => {
    const host = ipLiteral(u.hostname) ?? u.hostname;
    const isHttps = u.protocol === 'https:';
    let settled = false;
    const settle = (err: PhotoError | null, hop?: Hop) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // Whatever the outcome, this connection is done: a redirect's or refused body is not read.
      req.destroy();
      if (err) reject(err);
      else resolve(hop!);
    };
    const onAbort = () => settle(timedOut());

    const requestOptions: https.RequestOptions = {
      method: 'GET',
      host, // Host header (and, below, SNI) name the original host …
      port: u.port || undefined,
      path: `${u.pathname}${u.search}`,
      lookup: pinnedLookup(address), // … while the socket goes to the checked address
      agent: false, // no pooled sockets: each fetch connects where it checked
      headers: { Accept: 'image/*', 'Accept-Encoding': 'identity', 'User-Agent': PHOTO_USER_AGENT },
    };
    // SNI must be a name, never an IP literal; a trailing dot is not part of the certificate name.
    if (isHttps && isIP(host) === 0) requestOptions.servername = host.replace(/\.$/, '');

    const req = (isHttps ? https : http).request(requestOptions, (res) => {
      const status = res.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status)) {
        const location = res.headers.location;
        if (!location) return settle(new PhotoError('fetch_failed', `HTTP ${status} redirect without a Location`));
        return settle(null, { kind: 'redirect', location });
      }
      if (status < 200 || status > 299) return settle(new PhotoError('fetch_failed', `HTTP ${status} from ${u.host}`));

      const declared = res.headers['content-length'];
      if (declared !== undefined && Number(declared) > maxBytes) {
        return settle(new PhotoError('too_large', `the photo is ${declared} bytes, over the ${maxBytes} byte limit`));
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      res.on('data', (chunk: Uint8Array) => {
        total += chunk.byteLength;
        if (total > maxBytes) return settle(new PhotoError('too_large', `the photo is over the ${maxBytes} byte limit`));
        chunks.push(chunk);
      });
      res.on('end', () => {
        settle(null, { kind: 'body', bytes: concatBytes(chunks, total) });
      });
      res.on('error', (err) => settle(new PhotoError('fetch_failed', err.message)));
      res.on('close', () => {
        if (!res.complete) settle(new PhotoError('fetch_failed', 'the connection closed before the photo was complete'));
      });
    });
    req.on('error', (err) => settle(new PhotoError('fetch_failed', `cannot fetch ${u.host}: ${err.message}`)));
    if (signal.aborted) return settle(timedOut());
    signal.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}
