/**
 * Node answers `GET /px.gif` in front of Hono's request listener.
 *
 * A pixel request is the smallest thing the service answers, and on Node the framework around it
 * cost more than the pixel: measured with autocannon on 2 cores, a bare node:http server answered
 * the GIF for ~60 µs of CPU a request, the same answer through @hono/node-server and one
 * middleware for ~110 µs, which capped the pixel under 10k requests/s before it did any work.
 * So this listener takes pixel GETs first and hands everything else, HEAD included, to Hono.
 *
 * Nothing is decided here: `answerPixel` (src/signals/pixel.ts) is the pixel the Hono route
 * serves too, with the same `CollectEdge` (catalog cache, rate-limit buckets) as the app's other
 * signal routes, and the client address resolves as `nodeClientIp` resolves it.
 * test/node-pixel.test.ts holds the two paths to the same answers.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { CollectEdge } from '../signals/collect-edge';
import { clientIpFromHeaders } from '../signals/http';
import { answerPixel, PIXEL_GIF } from '../signals/pixel';

const PATH = '/px.gif';

function isPixel(req: IncomingMessage): boolean {
  const url = req.url;
  if (req.method !== 'GET' || url === undefined || !url.startsWith(PATH)) return false;
  return url.length === PATH.length || url.charCodeAt(PATH.length) === 0x3f; // '?'
}

/** The first value of a request header, as Hono's `c.req.header` reads it. */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function withPixelFastPath(edge: CollectEdge, trustProxy: boolean, next: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!isPixel(req)) return next(req, res);
    const lookup = (name: string) => header(req, name);
    const clientIp = (trustProxy ? clientIpFromHeaders(lookup) : undefined) ?? req.socket.remoteAddress ?? 'unknown';
    answerPixel(edge, { url: `http://localhost${req.url}`, header: lookup, clientIp }).then(
      (answer) => {
        res.writeHead(answer.status, answer.headers);
        res.end(PIXEL_GIF);
      },
      (err: unknown) => {
        console.error('pixel failed', err);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  };
}
