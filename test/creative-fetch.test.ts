/**
 * The SSRF-guarded photo fetcher: the address policy as a table, then the Node fetcher against
 * real local servers. The "allowed" server listens on 127.0.0.2 (on Linux all of 127/8 is
 * loopback) and the fetcher allows exactly that address; a "trap" server on 127.0.0.1 must never
 * see a request.
 *
 * Reasons: a refused scheme or credentials in the URL are 'refused_address' (a policy refusal,
 * like a forbidden address); a string that is not a URL and too many redirects are 'fetch_failed'.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUrl, ipLiteral, isForbiddenAddress, parseAllowList, parseIp } from '../src/creative/address-guard';
import { PhotoError } from '../src/creative/ports';
import { nodePhotoFetcher, pickAddress, pinnedLookup } from '../src/runtime/node-photo-fetcher';
import { photoFailure } from './helpers/photo-error';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array<number>(24).fill(7)]);


describe('address guard', () => {
  it.each([
    // public
    ['8.8.8.8', null],
    ['1.1.1.1', null],
    ['2606:4700::1111', null],
    ['2a00:1450:4001:80b::200e', null],
    ['::ffff:8.8.8.8', null], // mapped public IPv4
    ['64:ff9b::808:808', null], // NAT64 of 8.8.8.8
    ['2002:808:808::1', null], // 6to4 of 8.8.8.8
    // IPv4
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', null],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['100.128.0.1', null],
    ['100.100.100.200', 'metadata'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['192.0.0.192', 'metadata'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'reserved'], // deprecated IPv4-compatible form
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::', 'loopback'], // 6to4 of 127.0.0.1
    ['2002:a9fe:a9fe::1', 'metadata'],
    ['2001::1', 'reserved'], // Teredo
    ['2001:db8::1', 'documentation'],
    ['fd00:ec2::254', 'metadata'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'], // outside global unicast
    // not canonical / not an address
    ['010.0.0.1', 'invalid'],
    ['2130706433', 'invalid'],
    ['1.2.3', 'invalid'],
    ['256.1.1.1', 'invalid'],
    ['1::2::3', 'invalid'],
    ['1:2:3:4:5:6:7:8:9', 'invalid'],
    ['1:2:3:4:5:6:7::8', 'invalid'],
    ['example.com', 'invalid'],
    ['', 'invalid'],
  ] as const)('%s → %s', (ip, reason) => {
    expect(isForbiddenAddress(ip)).toBe(reason);
  });

  it('parses IPv6 shorthand and embedded IPv4 to the same bytes', () => {
    expect(parseIp('::ffff:127.0.0.1')).toEqual(parseIp('0:0:0:0:0:ffff:7f00:1'));
    expect(parseIp('1::')?.bytes).toEqual([0, 1, ...new Array<number>(14).fill(0)]);
    expect(parseIp('1.2.3.4')).toEqual({ v: 4, bytes: [1, 2, 3, 4] });
  });

  it('WHATWG URL normalises numeric IPv4 forms to dotted quads, which are then checked', () => {
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/']) {
      const host = new URL(url).hostname;
      expect(host).toBe('127.0.0.1');
      expect(ipLiteral(host)).toBe('127.0.0.1');
    }
    expect(ipLiteral(new URL('http://[::ffff:127.0.0.1]/').hostname)).toBe('::ffff:7f00:1');
    expect(ipLiteral('example.com')).toBeNull();
  });

  it('allow-list matches addresses and CIDRs, IPv4-mapped included', () => {
    const allowed = parseAllowList(['10.1.2.0/24', '127.0.0.2', 'fd12::/64']);
    expect(allowed('10.1.2.77')).toBe(true);
    expect(allowed('10.1.3.1')).toBe(false);
    expect(allowed('127.0.0.2')).toBe(true);
    expect(allowed('127.0.0.1')).toBe(false);
    expect(allowed('::ffff:127.0.0.2')).toBe(true);
    expect(allowed('fd12::abcd')).toBe(true);
    expect(allowed('fd13::1')).toBe(false);
    expect(allowed('nonsense')).toBe(false);
    expect(parseAllowList([])('127.0.0.1')).toBe(false);
    expect(() => parseAllowList(['10.0.0.0/33'])).toThrow(/allow-list/);
    expect(() => parseAllowList(['intranet'])).toThrow(/allow-list/);
  });

  it('checkUrl: http(s) only, no credentials', () => {
    expect(checkUrl('https://cdn.example.com/a.jpg')).toBeInstanceOf(URL);
    expect(checkUrl('http://example.com:9999/a.jpg')).toBeInstanceOf(URL);
    for (const [url, reason] of [
      ['file:///etc/passwd', 'refused_address'],
      ['ftp://example.com/a.jpg', 'refused_address'],
      ['gopher://example.com/', 'refused_address'],
      ['data:image/png;base64,AAAA', 'refused_address'],
      ['http://user:pass@example.com/', 'refused_address'],
      ['http://user@example.com/', 'refused_address'],
      ['not a url', 'fetch_failed'],
    ] as const) {
      const r = checkUrl(url);
      expect(r, url).toBeInstanceOf(PhotoError);
      expect((r as PhotoError).reason, url).toBe(reason);
    }
  });

  it('pickAddress refuses when any resolved address is refused', () => {
    const none = parseAllowList([]);
    expect(pickAddress('a.example', ['8.8.8.8', '1.1.1.1'], none)).toBe('8.8.8.8');
    expect(() => pickAddress('a.example', ['8.8.8.8', '127.0.0.1'], none)).toThrow(/loopback/);
    expect(() => pickAddress('a.example', [], none)).toThrow(PhotoError);
    expect(pickAddress('cdn.internal', ['10.1.2.3'], parseAllowList(['10.1.2.0/24']))).toBe('10.1.2.3');
  });

  it('pinnedLookup answers every query with the checked address only', () => {
    const lookup = pinnedLookup('93.184.216.34');
    const one: unknown[] = [];
    lookup('evil.example', {}, (...args) => one.push(args));
    lookup('evil.example', { all: true }, (...args) => one.push(args));
    expect(one).toEqual([
      [null, '93.184.216.34', 4],
      [null, [{ address: '93.184.216.34', family: 4 }]],
    ]);
    const v6: unknown[] = [];
    pinnedLookup('2606:4700::1111')('x', { all: true }, (...args) => v6.push(args));
    expect(v6).toEqual([[null, [{ address: '2606:4700::1111', family: 6 }]]]);
    expect(() => pinnedLookup('example.com')).toThrow();
  });
});

describe('node photo fetcher', () => {
  let allowedServer: http.Server;
  let trap: http.Server;
  let base: string; // http://127.0.0.2:PORT
  let trapPort: number;
  let trapHits = 0;
  let lastHeaders: http.IncomingHttpHeaders = {};
  let chunkedClosedEarly = false;

  const fetchAllowed = (opts: Parameters<typeof nodePhotoFetcher>[0] = {}) => nodePhotoFetcher({ allow: ['127.0.0.2'], ...opts });

  beforeAll(async () => {
    trap = http.createServer((_req, res) => {
      trapHits++;
      res.end('internal secret');
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    trapPort = (trap.address() as AddressInfo).port;

    allowedServer = http.createServer((req, res) => {
      lastHeaders = req.headers;
      const path = req.url ?? '/';
      const redirect = (location: string, status = 302) => {
        res.writeHead(status, { Location: location });
        res.end();
      };
      const chain = /^\/chain\/(\d+)$/.exec(path);
      if (path === '/photo.png') {
        res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': PNG.length });
        res.end(PNG);
      } else if (chain) {
        const n = Number(chain[1]);
        if (n === 0) redirect('/photo.png', 301);
        else redirect(`/chain/${n - 1}`, 307);
      } else if (path === '/to-photo') redirect('/photo.png');
      else if (path === '/to-loopback') redirect(`http://127.0.0.1:${trapPort}/x.png`);
      else if (path === '/to-localhost') redirect(`http://localhost:${trapPort}/x.png`);
      else if (path === '/to-metadata') redirect('http://169.254.169.254/latest/meta-data/', 303);
      else if (path === '/to-mapped') redirect(`http://[::ffff:127.0.0.1]:${trapPort}/`, 308);
      else if (path === '/to-file') redirect('file:///etc/passwd');
      else if (path === '/to-creds') redirect(`http://user:pass@127.0.0.2:${(allowedServer.address() as AddressInfo).port}/photo.png`);
      else if (path === '/no-location') {
        res.writeHead(302);
        res.end();
      } else if (path === '/missing') {
        res.writeHead(404);
        res.end('nope');
      } else if (path === '/big-declared') {
        // headers promise 5000 bytes; the body never comes, so only an early refusal is quick
        res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': 5000 });
        res.flushHeaders();
      } else if (path === '/big-chunked') {
        res.writeHead(200, { 'Content-Type': 'image/png' }); // no Content-Length: chunked
        let sent = 0;
        const tick = setInterval(() => {
          if (res.destroyed || sent >= 20_000) {
            clearInterval(tick);
            if (!res.writableEnded && res.destroyed) chunkedClosedEarly = true;
            if (!res.destroyed) res.end();
            return;
          }
          res.write(new Uint8Array(500).fill(1));
          sent += 500;
        }, 1);
        res.on('close', () => {
          if (!res.writableEnded) chunkedClosedEarly = true;
        });
      } else if (path === '/hang') {
        // never answers
      } else if (path === '/slow-body') {
        res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': 100 });
        res.write(PNG.subarray(0, 10)); // … and the rest never
      } else if (path === '/short-body') {
        res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': 100 });
        res.write(PNG.subarray(0, 10));
        setTimeout(() => res.destroy(), 10);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => allowedServer.listen(0, '127.0.0.2', r));
    base = `http://127.0.0.2:${(allowedServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of [allowedServer, trap]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it.each([
    ['http://127.0.0.1/x.jpg', /loopback/],
    ['http://10.0.0.1/x.jpg', /private/],
    ['http://169.254.169.254/latest/meta-data/', /metadata/],
    ['http://[::1]/x.jpg', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[64:ff9b::7f00:1]/', /loopback/],
    ['http://2130706433/', /loopback/],
    ['http://0x7f.1/', /loopback/],
    ['http://0/', /unspecified/],
    ['http://[fd00:ec2::254]/latest/meta-data/', /metadata/],
    ['file:///etc/passwd', /http and https/],
    ['ftp://example.com/x.jpg', /http and https/],
    ['http://user:pass@example.com/x.jpg', /credentials/],
  ])('refuses %s without connecting', async (url, message) => {
    const err = await photoFailure(nodePhotoFetcher()(url));
    expect(err.reason).toBe('refused_address');
    expect(err.message).toMatch(message);
  });

  it('refuses a name that resolves to loopback (localhost) and never contacts it', async () => {
    const err = await photoFailure(nodePhotoFetcher()(`http://localhost:${trapPort}/x.jpg`));
    expect(err.reason).toBe('refused_address');
    expect(err.message).toMatch(/loopback/);
    // 127.0.0.1 is refused even when the fetcher allows 127.0.0.2
    expect((await photoFailure(fetchAllowed()(`http://127.0.0.1:${trapPort}/x.jpg`))).reason).toBe('refused_address');
    expect(trapHits).toBe(0);
  });

  it('fetches from an allowed address with Accept and User-Agent', async () => {
    const got = await fetchAllowed()(`${base}/photo.png`);
    expect(got.bytes).toEqual(PNG);
    expect(got.url).toBe(`${base}/photo.png`);
    expect(lastHeaders.accept).toBe('image/*');
    expect(lastHeaders['user-agent']).toBe('adfeed-creatives/0.1');
  });

  it('follows a good redirect and reports the final URL', async () => {
    const got = await fetchAllowed()(`${base}/to-photo`);
    expect(got.bytes).toEqual(PNG);
    expect(got.url).toBe(`${base}/photo.png`);
  });

  it('follows up to 3 redirects, refuses a 4th', async () => {
    expect((await fetchAllowed()(`${base}/chain/2`)).url).toBe(`${base}/photo.png`); // 3 redirects
    const err = await photoFailure(fetchAllowed()(`${base}/chain/3`)); // 4 redirects
    expect(err.reason).toBe('fetch_failed');
    expect(err.message).toMatch(/too many redirects/);
    expect((await photoFailure(fetchAllowed({ maxRedirects: 0 })(`${base}/to-photo`))).reason).toBe('fetch_failed');
  });

  it.each([
    ['/to-loopback', /loopback/],
    ['/to-localhost', /loopback/],
    ['/to-metadata', /metadata/],
    ['/to-mapped', /loopback/],
    ['/to-file', /http and https/],
    ['/to-creds', /credentials/],
  ])('re-checks the redirect target of %s', async (path, message) => {
    const err = await photoFailure(fetchAllowed()(`${base}${path}`));
    expect(err.reason).toBe('refused_address');
    expect(err.message).toMatch(message);
    expect(trapHits).toBe(0);
  });

  it('fails on non-2xx and on a redirect without Location', async () => {
    const notFound = await photoFailure(fetchAllowed()(`${base}/missing`));
    expect(notFound.reason).toBe('fetch_failed');
    expect(notFound.message).toMatch(/404/);
    expect((await photoFailure(fetchAllowed()(`${base}/no-location`))).reason).toBe('fetch_failed');
  });

  it('refuses a too-large Content-Length without waiting for the body', async () => {
    const start = Date.now();
    const err = await photoFailure(fetchAllowed({ maxBytes: 1000, timeoutMs: 3000 })(`${base}/big-declared`));
    expect(err.reason).toBe('too_large');
    expect(Date.now() - start).toBeLessThan(1000);
  });

  it('aborts a chunked body once it exceeds the cap', async () => {
    const err = await photoFailure(fetchAllowed({ maxBytes: 2000, timeoutMs: 3000 })(`${base}/big-chunked`));
    expect(err.reason).toBe('too_large');
    await new Promise((r) => setTimeout(r, 50));
    expect(chunkedClosedEarly).toBe(true); // the server saw the connection go before it finished
  });

  it('times out on a server that never answers, and on a stalled body', async () => {
    for (const path of ['/hang', '/slow-body']) {
      const start = Date.now();
      const err = await photoFailure(fetchAllowed({ timeoutMs: 300 })(`${base}${path}`));
      expect(err.reason, path).toBe('timeout');
      expect(Date.now() - start).toBeLessThan(1500);
    }
  });

  it('fails on a body cut short', async () => {
    const err = await photoFailure(fetchAllowed()(`${base}/short-body`));
    expect(err.reason).toBe('fetch_failed');
  });

  it('fails (fetch_failed) when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.2', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect((await photoFailure(fetchAllowed()(`http://127.0.0.2:${port}/x.png`))).reason).toBe('fetch_failed');
  });

  it('connects to the address it checked, whatever DNS says later (rebinding)', async () => {
    const port = (allowedServer.address() as AddressInfo).port;
    let asked = 0;
    // first answer: the allowed address; any later answer: the trap on 127.0.0.1
    const resolve = async () => (asked++ === 0 ? ['127.0.0.2'] : ['127.0.0.1']);
    const got = await fetchAllowed({ resolve })(`http://photos.test:${port}/photo.png`);
    expect(got.bytes).toEqual(PNG);
    expect(asked).toBe(1); // one resolution per hop; the socket used its answer
    expect(lastHeaders.host).toBe(`photos.test:${port}`); // Host stays the original name
    expect(trapHits).toBe(0);

    // a name with one refused address among several is refused outright
    const mixed = await photoFailure(fetchAllowed({ resolve: async () => ['127.0.0.2', '127.0.0.1'] })(`http://photos.test:${port}/photo.png`));
    expect(mixed.reason).toBe('refused_address');
    // a resolver failure is a fetch failure
    const dead = await photoFailure(fetchAllowed({ resolve: () => Promise.reject(new Error('ENOTFOUND')) })(`http://nowhere.test/x.png`));
    expect(dead.reason).toBe('fetch_failed');
    // a resolver that never answers runs into the deadline
    const slow = await photoFailure(fetchAllowed({ timeoutMs: 100, resolve: () => new Promise<string[]>(() => {}) })(`http://slow.test/x.png`));
    expect(slow.reason).toBe('timeout');
  });

  it('https: connects to the checked address with SNI naming the original host', async () => {
    // A raw TCP server reads the TLS ClientHello (the server name is plain text in it) and hangs up.
    const hellos: string[] = [];
    const tlsTrap = net.createServer((socket) => {
      socket.once('data', (chunk) => {
        hellos.push(chunk.toString('latin1'));
        socket.destroy();
      });
    });
    await new Promise<void>((r) => tlsTrap.listen(0, '127.0.0.2', r));
    try {
      const port = (tlsTrap.address() as AddressInfo).port;
      const err = await photoFailure(fetchAllowed({ resolve: async () => ['127.0.0.2'] })(`https://photos.test:${port}/p.png`));
      expect(err.reason).toBe('fetch_failed'); // no TLS server there, but the hello arrived
      expect(hellos).toHaveLength(1);
      expect(hellos[0]).toContain('photos.test');
      await photoFailure(fetchAllowed()(`https://127.0.0.2:${port}/p.png`)); // an IP literal sends no SNI
      expect(hellos).toHaveLength(2);
      expect(hellos[1]).not.toContain('127.0.0.2');
    } finally {
      await new Promise((r) => tlsTrap.close(r));
    }
  });

  it('fetches over IPv6 from an allowed ::1 (skipped without ::1)', async (ctx) => {
    const v6 = http.createServer((req, res) => {
      lastHeaders = req.headers;
      res.end(PNG);
    });
    const listening = await new Promise<boolean>((r) => {
      v6.once('error', () => r(false));
      v6.listen(0, '::1', () => r(true));
    });
    if (!listening) return ctx.skip();
    try {
      const port = (v6.address() as AddressInfo).port;
      const got = await nodePhotoFetcher({ allow: ['::1'] })(`http://[::1]:${port}/p.png`);
      expect(got.bytes).toEqual(PNG);
      expect(lastHeaders.host).toBe(`[::1]:${port}`);
      expect((await photoFailure(nodePhotoFetcher({ allow: ['127.0.0.1'] })(`http://[::1]:${port}/p.png`))).reason).toBe('refused_address');
    } finally {
      await new Promise((r) => v6.close(r));
    }
  });
});
