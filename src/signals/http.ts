/**
 * The defences the public signal routes share: a capped body read, JSON checks, CORS limited to
 * each catalog's `allowed_origins`, the client address for rate limiting.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../deps';
import type { Catalog } from '../catalog/catalog';
import { jsonRecordProblem } from '../catalog/parse/json-safety';
import { AppError, badRequest } from '../errors';
import { readCappedBytes } from '../http/body';

/** A batch of 100 events with a few items each fits in well under this; so does sendBeacon's 64 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Events are flat: envelope → events → event → items → item is as deep as a real body goes. */
const MAX_DEPTH = 6;

const tooLarge = () =>
  new AppError(413, 'payload_too_large', `the body is larger than ${MAX_BODY_BYTES / 1024} KiB; send fewer events per request`);

/** Reads the body as text, refusing it (413) as soon as it passes `maxBytes`, with or without Content-Length. */
export async function readCappedText(req: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  return new TextDecoder().decode(await readCappedBytes(req, maxBytes, tooLarge));
}

/**
 * The body as a JSON object. `text/plain` is taken as well as `application/json` because
 * sendBeacon and no-preflight fetches can only send "simple" content types.
 */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== '' && type !== 'application/json' && type !== 'text/plain') {
    throw new AppError(415, 'unsupported_media_type', 'send the body as application/json or text/plain JSON');
  }
  const text = await readCappedText(c.req.raw);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError(400, 'invalid_json', 'the body is not valid JSON');
  }
  const problem = jsonRecordProblem(value, MAX_DEPTH);
  if (problem) throw badRequest(`the body was refused: ${problem}`);
  return value as Record<string, unknown>;
}

export type OriginVerdict = 'none' | 'allowed' | 'refused';

/** No Origin header: not a browser's cross-origin request (a server, curl), CORS has nothing to say. */
export function checkOrigin(origin: string | undefined, catalog: Pick<Catalog, 'allowed_origins'>): OriginVerdict {
  if (origin === undefined) return 'none';
  return catalog.allowed_origins.includes(origin) ? 'allowed' : 'refused';
}

/** Lets the page's script read the answer; the request itself is judged on the server either way. */
export function allowOrigin(c: Context, origin: string): void {
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Vary', 'Origin');
}

export function refuseOrigin(origin: string): AppError {
  return new AppError(
    403,
    'origin_not_allowed',
    `origin ${origin.slice(0, 200)} is not in the catalog's allowed_origins; add it with PUT /admin/catalogs/:catalog`,
  );
}

/** Preflight answer for an allowed origin. */
export function preflight(c: Context, origin: string): Response {
  allowOrigin(c, origin);
  c.header('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
  c.header('Access-Control-Allow-Headers', 'content-type');
  c.header('Access-Control-Max-Age', '86400');
  return c.body(null, 204);
}

/** The caller's address as the runtime knows it (`deps.clientIp`), for per-client rate limits. */
export function clientIpOf(c: Context<AppEnv>): string {
  const deps = c.get('deps');
  return (deps.clientIp ?? headerClientIp)(c) ?? 'unknown';
}

/**
 * The caller's address from proxy headers: Cloudflare's `cf-connecting-ip`, else the first hop
 * of `x-forwarded-for`. Only trustworthy behind a proxy that sets them; a runtime that sees the
 * socket (Node) falls back to it in its own `clientIp`.
 */
export function headerClientIp(c: Context): string | undefined {
  return clientIpFromHeaders((name) => c.req.header(name));
}

/** `headerClientIp` over any header lookup (a server that answers before Hono has no Context). */
export function clientIpFromHeaders(header: (name: string) => string | undefined): string | undefined {
  const cf = header('cf-connecting-ip');
  if (cf) return cf.trim();
  const first = header('x-forwarded-for')?.split(',')[0]?.trim();
  return first || undefined;
}
