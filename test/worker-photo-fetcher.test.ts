/**
 * The Workers photo fetcher (global fetch, no DNS) against real local servers. Loopback is
 * refused unless the operator allows it, so the servers here are reached only through the
 * allow-list; a "trap" server that must never see a request stands in for an internal service.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowList } from '../src/creative/address-guard';
import { PhotoError } from '../src/creative/ports';
import { checkHop, workerPhotoFetcher } from '../src/runtime/worker-photo-fetcher';
import { photoFailure } from './helpers/photo-error';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array<number>(24).fill(7)]);
const MB = 1024 * 1024;


interface Server {
  url: string;
  hits: string[];
  /** connections the server saw closed before it had written everything */
  cutShort: number;
  close(): Promise<void>;
}

async function serve(host: string, handle: (req: http.IncomingMessage, res: http.ServerResponse, server: Server) => void): Promise<Server> {
  const httpServer = http.createServer();
  const server: Server = { url: '', hits: [], cutShort: 0, close: () =>
      new Promise((done) => {
        httpServer.close(() => done());
        httpServer.closeAllConnections(); // undici keeps connections alive, and /slow never ends
      }),
  };
  httpServer.on('request', (req, res) => {
    server.hits.push(req.url ?? '');
    res.on('close', () => {
      if (!res.writableFinished) server.cutShort++;
    });
    handle(req, res, server);
  });
  await new Promise<void>((done) => httpServer.listen(0, host, done));
  server.url = `http://${host}:${(httpServer.address() as AddressInfo).port}`;
  return server;
}

let photos: Server;
let trap: Server;
let other: Server;

beforeAll(async () => {
  trap = await serve('127.0.0.1', (_req, res) => res.end(PNG));
  // on Linux all of 127/8 is loopback: 127.0.0.2 is the allowed host, 127.0.0.1 the forbidden one
  other = await serve('127.0.0.2', (req, res) => {
    if (req.url === '/to-trap') res.writeHead(302, { location: `${trap.url}/secret` }).end();
    else if (req.url === '/to-metadata') res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else if (req.url === '/to-localhost') res.writeHead(307, { location: `http://localhost:${new URL(trap.url).port}/` }).end();
    else res.end(PNG);
  });
  photos = await serve('127.0.0.1', (req, res, self) => {
    const hop = /^\/hop\/(\d+)$/.exec(req.url ?? '');
    if (hop) {
      const n = Number(hop[1]);
      res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/photo.png' }).end();
    } else if (req.url === '/photo.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    } else if (req.url === '/huge') {
      // no Content-Length: the cap must hold while streaming
      let sent = 0;
      const chunk = new Uint8Array(64 * 1024);
      chunk.set(PNG);
      const pump = () => {
        while (sent < 40 * MB && !res.destroyed) {
          sent += chunk.byteLength;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    } else if (req.url === '/declared-huge') {
      res.writeHead(200, { 'content-length': String(20 * MB) }).write(PNG);
    } else if (req.url === '/slow') {
      res.writeHead(200).write(PNG.subarray(0, 4)); // and never more
    } else if (req.url === '/html') {
      res.writeHead(200, { 'content-type': 'image/png' }).end('<html><body>' + 'x'.repeat(1000));
    } else if (req.url === '/missing') {
      res.writeHead(404).end('not found');
    } else {
      res.writeHead(500).end(String(self.hits.length));
    }
  });
});

afterAll(async () => {
  await Promise.all([photos.close(), trap.close(), other.close()]);
});

const allowPhotos = workerPhotoFetcher({ allow: ['127.0.0.1/32'], maxBytes: 2 * MB, timeoutMs: 2000 });

describe('worker photo fetcher', () => {
  it('refuses a loopback address unless allowed, without connecting', async () => {
    const before = photos.hits.length;
    const err = await photoFailure(workerPhotoFetcher()(`${photos.url}/photo.png`));
    expect([err.reason, err.message]).toEqual(['refused_address', expect.stringContaining('loopback')]);
    expect(photos.hits.length).toBe(before);
  });

  it('fetches from an allowed address', async () => {
    const got = await allowPhotos(`${photos.url}/photo.png`);
    expect(got.bytes).toEqual(PNG);
    expect(got.url).toBe(`${photos.url}/photo.png`);
  });

  it('follows up to 3 redirects, re-checking each, and refuses a fourth', async () => {
    const got = await allowPhotos(`${photos.url}/hop/2`);
    expect(got.url).toBe(`${photos.url}/photo.png`);
    const err = await photoFailure(allowPhotos(`${photos.url}/hop/3`));
    expect([err.reason, err.message]).toEqual(['fetch_failed', expect.stringContaining('too many redirects')]);
  });

  it('refuses redirects to the metadata service, a forbidden loopback address and localhost', async () => {
    const fetchOther = workerPhotoFetcher({ allow: ['127.0.0.2/32'] });
    const trapHits = trap.hits.length;
    for (const [path, words] of [
      ['/to-metadata', 'metadata'],
      ['/to-trap', 'loopback'],
      ['/to-localhost', 'loopback name'],
    ] as const) {
      const err = await photoFailure(fetchOther(`${other.url}${path}`));
      expect([err.reason, err.message], path).toEqual(['refused_address', expect.stringContaining(words)]);
    }
    expect(trap.hits.length).toBe(trapHits);
    expect((await fetchOther(`${other.url}/photo.png`)).bytes).toEqual(PNG);
  });

  it('stops reading a body over the cap while it streams', async () => {
    const err = await photoFailure(allowPhotos(`${photos.url}/huge`));
    expect(err.reason).toBe('too_large');
    // the server was cut off long before its 40 MB
    await expect.poll(() => photos.cutShort, { timeout: 2000 }).toBeGreaterThan(0);
    const declared = await photoFailure(allowPhotos(`${photos.url}/declared-huge`));
    expect([declared.reason, declared.message]).toEqual(['too_large', expect.stringContaining('20971520 bytes')]);
  });

  it('gives up at the deadline', async () => {
    const quick = workerPhotoFetcher({ allow: ['127.0.0.1/32'], timeoutMs: 300 });
    const started = performance.now();
    const err = await photoFailure(quick(`${photos.url}/slow`));
    expect(err.reason).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses what is not an image, and HTTP errors', async () => {
    expect((await photoFailure(allowPhotos(`${photos.url}/html`))).reason).toBe('not_an_image');
    const missing = await photoFailure(allowPhotos(`${photos.url}/missing`));
    expect([missing.reason, missing.message]).toEqual(['fetch_failed', expect.stringContaining('HTTP 404')]);
  });

  it('checks every hop by its URL alone (Workers cannot resolve names)', () => {
    const none = parseAllowList([]);
    const reason = (url: string, allow = none) => {
      try {
        checkHop(url, allow);
        return null;
      } catch (err) {
        return (err as PhotoError).reason;
      }
    };
    expect(reason('https://cdn.shop.example.com/p.jpg')).toBeNull();
    expect(reason('https://8.8.8.8/p.jpg')).toBeNull();
    expect(reason('http://[::1]/p.jpg')).toBe('refused_address');
    expect(reason('http://0x7f.1/p.jpg')).toBe('refused_address'); // 127.0.0.1 after URL parsing
    expect(reason('http://[::ffff:169.254.169.254]/')).toBe('refused_address');
    expect(reason('http://localhost/p.jpg')).toBe('refused_address');
    expect(reason('http://img.localhost./p.jpg')).toBe('refused_address');
    expect(reason('http://localhost/p.jpg', parseAllowList(['127.0.0.1']))).toBeNull();
    expect(reason('http://intranet/p.jpg')).toBe('refused_address');
    expect(reason('file:///etc/passwd')).toBe('refused_address');
    expect(reason('https://user:pw@shop.example.com/p.jpg')).toBe('refused_address');
    expect(reason('not a url')).toBe('fetch_failed');
  });
});
