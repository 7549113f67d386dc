/**
 * `GET /px.gif`: one event in the query string (e-mail opens, pages without JavaScript).
 *
 * Always the 43-byte GIF, so a refused event never shows as a broken image; the outcome is in
 * `X-Adfeed-Result` (`stored`, `duplicate`, `dropped_consent`, `bot`, `rejected; <reason>`, or an
 * error code such as `rate_limited`). Runtime-neutral, and the one place the pixel is decided:
 * the Hono route and Node's fast path in front of the router (src/runtime/node-pixel.ts) both
 * answer through `answerPixel`.
 */
import { getQueryParams } from 'hono/utils/url';
import { AppError } from '../errors';
import { isBot } from './bots';
import { RateLimited, type CollectEdge } from './collect-edge';
import { gpcHeader } from './consent';
import { checkOrigin, refuseOrigin } from './http';
import { ingestEvents, type IngestResult } from './ingest';

/** A transparent 1×1 GIF89a, the smallest image every mail client renders. */
export const PIXEL_GIF = new Uint8Array([
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21,
  0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
  0x01, 0x00, 0x3b,
]);

/** What the pixel reads of a request, whichever server parsed it. */
export interface PixelRequest {
  /** the absolute request URL (its query string carries the event) */
  url: string;
  /** a request header by lower-case name */
  header(name: string): string | undefined;
  /** the caller's address, as the runtime resolves it for rate limits */
  clientIp: string;
}

/** The answer's status and headers; the body is always PIXEL_GIF. */
export interface PixelAnswer {
  status: 200 | 500;
  headers: Record<string, string>;
}

export async function answerPixel(edge: CollectEdge, req: PixelRequest): Promise<PixelAnswer> {
  const headers: Record<string, string> = {
    'Content-Type': 'image/gif',
    'Content-Length': String(PIXEL_GIF.byteLength),
    'Cache-Control': 'no-store, max-age=0',
  };
  let status: PixelAnswer['status'] = 200;
  let outcome: string;
  try {
    outcome = await record(edge, req, headers);
  } catch (err) {
    if (err instanceof RateLimited) headers['Retry-After'] = String(err.retryAfter);
    if (err instanceof AppError) outcome = err.code;
    else {
      // The image still loads (a mail client shows no broken icon); the log has the cause.
      console.error('pixel failed', err);
      status = 500;
      outcome = 'internal';
    }
  }
  headers['X-Adfeed-Result'] = outcome;
  return { status, headers };
}

/** Records the event; its outcome, or throws an AppError whose code is the outcome. */
async function record(edge: CollectEdge, req: PixelRequest, headers: Record<string, string>): Promise<string> {
  if (isBot(req.header('user-agent'))) return 'bot';
  edge.rateLimit(req.clientIp);
  // One parse of the query string, every name with all its values.
  const query = getQueryParams(req.url) as Record<string, string[] | undefined>;
  const q = (name: string): string | undefined => query[name]?.[0];
  const catalog = await edge.findCatalog(q('c') ?? q('catalog'));
  const origin = req.header('origin');
  const verdict = checkOrigin(origin, catalog);
  if (verdict === 'refused') throw refuseOrigin(origin!);
  if (verdict === 'allowed') {
    headers['Access-Control-Allow-Origin'] = origin!;
    headers.Vary = 'Origin';
  }
  const ids = query.id ?? [];
  const consent = q('consent');
  const event: Record<string, unknown> = {
    type: q('e'),
    eid: q('eid'),
    vid: q('vid'),
    ts: q('ts'),
    content_ids: ids.length ? ids.flatMap((id) => id.split(',')).filter(Boolean) : undefined,
    list_id: q('list'),
    order_id: q('order_id'),
    value: q('value'),
    currency: q('currency'),
    search_term: q('q'),
    email_sha256: q('em'),
    consent: consent === undefined ? undefined : consent === '1' || consent === 'true',
  };
  const result = await ingestEvents(edge.deps.signals, {
    catalog,
    events: [event],
    defaults: {},
    gpc: gpcHeader(req.header('sec-gpc')),
    now: edge.deps.clock(),
  });
  return pixelOutcome(result);
}

function pixelOutcome(r: IngestResult): string {
  if (r.rejected.length) return `rejected; ${r.rejected[0]!.reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}`;
  if (r.dropped_consent) return 'dropped_consent';
  if (r.duplicates) return 'duplicate';
  return r.clamped.length ? 'stored; clamped' : 'stored';
}
