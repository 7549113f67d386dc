/**
 * Product photos on 127.0.0.1 for the contract runs and bench:worker: any `*.jpg` path is the
 * same warm red JPEG; a hit count per path shows what the runtime fetched.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export interface PhotoServer {
  origin: string;
  hits(path: string): number;
  close(): Promise<void>;
}

export async function servePhotos(): Promise<PhotoServer> {
  const jpeg = await sharp({ create: { width: 800, height: 800, channels: 3, background: { r: 220, g: 60, b: 40 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (!/^\/[\w/.-]+\.jpg$/.test(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': jpeg.length }).end(jpeg);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits: (path) => counts.get(path) ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
