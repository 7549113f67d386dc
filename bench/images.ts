/**
 * npm run bench:images [-- --runs 40 --seconds 5 --concurrency 32 --products 50 --only render|http]
 *
 * Creatives, 1080×1080 JPEG, `badge` template (sale badge, free-shipping flag, title, prices):
 *
 * a. Uncached render through the real pipeline: CreativeService.render on a prepared creative
 *    (satori overlay → resvg → blended over the product photo → sharp JPEG). The photo is
 *    already fetched, resized and decoded in the photo loader's memory LRU, as in production
 *    steady state (a product's photo is fetched once, its creative re-rendered on every price
 *    or title change). Each run changes the product's price and title, so the key and the text
 *    are new every time. Once more, honestly, with a photo never seen before: the in-memory
 *    fetch, sniff, decode, resize, the JPEG written for the blob cache, then the render.
 *    The same uncached render with the Workers parts (src/runtime/wasm-creative.ts: satori
 *    standalone, resvg-wasm, @jsquash codecs) run in Node on the same .wasm files, next to it.
 * b. The @vercel/og approach in the same run: the same template tree with the original photo
 *    inlined as a data URI `<img>` under the overlay, satori → resvg-wasm → PNG (what @vercel/og
 *    returns), then JPEG through sharp with the pipeline's settings, for like-for-like output.
 * c. The same data-URI SVG rasterized by resvg-js (native) → sharp JPEG: SPEC's "data URI + sharp".
 * d. Cached creatives over HTTP: the real Node server (startServer on 127.0.0.1, port 0, SQLite
 *    in a temp dir), products imported over HTTP, every creative rendered once, then GETs from a
 *    load generator in a child process (keep-alive node:http, fixed concurrency, for a fixed
 *    time): responses/s and p99 latency, next to a bare node:http server answering the same
 *    JPEG bytes from memory, driven by the same generator (the machine's floor).
 *
 * Besides wall-clock figures, (a)–(c) print the process CPU time per render (the work on
 * sharp's and resvg's threads included, so it can exceed the latency), and (a) the pipeline's
 * stages timed one after another on the same inputs: where the milliseconds go. The machine may
 * be shared: the load average is printed first, and the fastest run is printed too.
 * Sample outputs are written to bench/out/images-*.jpg; figures to bench/out/images.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Resvg as ResvgNative } from '@resvg/resvg-js';
import { initWasm, Resvg as ResvgWasm } from '@resvg/resvg-wasm';
import satori from 'satori';
import sharp from 'sharp';
import type { Product } from '../src/catalog/product';
import type { CreativeElement } from '../src/creative/element';
import { blend, placement, solidCanvas } from '../src/creative/compose';
import { PhotoLoader } from '../src/creative/photos';
import { PhotoError, type PhotoFetcher } from '../src/creative/ports';
import { overlayPieces, type RegionRasterizer } from '../src/creative/render';
import { CreativeService, type PreparedCreative } from '../src/creative/service';
import type { ProductCreativeInput } from '../src/creative/template';
import { demoImageSvg } from '../src/demo/images';
import { parseSettings } from '../src/env';
import { startServer } from '../src/runtime/node';
import { loadInterFonts, nodeCreativeParts } from '../src/runtime/node-creative';
import { openNodeStore, PROJECT_ROOT } from '../src/runtime/node-parts';
import { wasmCreativeParts } from '../src/runtime/wasm-creative';
import { badge } from '../templates/badge';
import { loadWasmModules } from '../test/helpers/wasm-modules';
import { runHttpLoad } from './http-load';
import { rng } from './random';

const OUT = join(PROJECT_ROOT, 'bench', 'out');
const TOKEN = 'bench-admin-token-123456';
const CATALOG = 'bench';
const SIZE = { width: 1080, height: 1080 };
const PHOTO_EDGE = 1500; // Google's recommended product image size
/** The pipeline's JPEG settings (src/runtime/node-creative.ts), for the baselines' last step. */
const JPEG = { quality: 85, optimiseCoding: false, trellisQuantisation: false, overshootDeringing: false, optimiseScans: false } as const;

// ---------------------------------------------------------------- workload


/**
 * A photo-like JPEG: the demo catalog's product picture (drawn by resvg, our own SVG) with
 * sensor-like noise, so the JPEG encoder and decoder see texture rather than flat gradients.
 */
async function productPhoto(id: string, seed: number): Promise<Uint8Array> {
  const rendered = new ResvgNative(demoImageSvg(id, PHOTO_EDGE), { font: { loadSystemFonts: false } }).render();
  const px = rendered.pixels; // opaque, so premultiplied = straight
  const r = rng(seed);
  const rgb = Buffer.alloc(PHOTO_EDGE * PHOTO_EDGE * 3);
  for (let i = 0, o = 0; i < px.length; i += 4, o += 3) {
    const n = (r() + r() + r() - 1.5) * 14;
    rgb[o] = Math.max(0, Math.min(255, px[i]! + n));
    rgb[o + 1] = Math.max(0, Math.min(255, px[i + 1]! + n));
    rgb[o + 2] = Math.max(0, Math.min(255, px[i + 2]! + n));
  }
  const jpeg = await sharp(rgb, { raw: { width: PHOTO_EDGE, height: PHOTO_EDGE, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}

const TITLES = [
  'Organic Cotton T-Shirt',
  'Merino Wool Crew Neck Sweater',
  'Waterproof Trail Running Shoes',
  'Stainless Steel Water Bottle 750 ml',
  'Linen Button-Down Shirt',
  'Recycled Nylon Backpack 24 L',
  'Ceramic Pour-Over Coffee Set',
  'Bamboo Yoga Mat, Extra Thick',
  'Wireless Noise-Cancelling Headphones',
  'Two-Person Lightweight Tent',
];

function productRows(n: number): string {
  const header = 'id,title,description,link,image_link,price,sale_price,availability,brand,mpn,condition,shipping';
  const rows = Array.from({ length: n }, (_, i) => {
    const price = 19.99 + (i % 17) * 5;
    const sale = i % 2 === 0 ? `${(price * 0.7).toFixed(2)} EUR` : '';
    const ship = i % 3 === 0 ? 'NL:::0.00 EUR' : 'NL:::4.95 EUR';
    return [
      `B-${String(i + 1).padStart(4, '0')}`,
      `"${TITLES[i % TITLES.length]} ${i + 1}"`,
      'A product.',
      `https://shop.example.com/p/${i + 1}`,
      `https://shop.example.com/img/${i + 1}.jpg`,
      `${price.toFixed(2)} EUR`,
      sale,
      'in stock',
      'Acme',
      `M-${i + 1}`,
      'new',
      ship,
    ].join(',');
  });
  return [header, ...rows].join('\n') + '\n';
}

/** Photos by URL: a handful of distinct pictures shared by the products (photo i % 5). */
async function photoMap(products: number): Promise<Map<string, Uint8Array>> {
  const kinds = ['tee', 'shoe', 'bottle', 'bag', 'mug'];
  const pictures = await Promise.all(kinds.map((k, i) => productPhoto(`bench-${k}`, i + 1)));
  const map = new Map<string, Uint8Array>();
  for (let i = 1; i <= products + 1; i++) map.set(`https://shop.example.com/img/${i}.jpg`, pictures[i % kinds.length]!);
  map.set('https://shop.example.com/img/cold.jpg', await productPhoto('bench-cold', 99));
  return map;
}

function memoryFetcher(photos: Map<string, Uint8Array>) {
  return async (url: string) => {
    const bytes = photos.get(url);
    if (!bytes) throw new PhotoError('fetch_failed', `bench photo ${url} not found`);
    return { bytes, url };
  };
}

/** The product of run `i`: its price and title change, so nothing drawn is the same twice. */
function variant(p: Product, i: number): Product {
  const bump = (i + 1) * 10_000; // one cent more each run
  return {
    ...p,
    title: `${p.title.replace(/ \d+$/, '')} · edition ${i + 1}`,
    price: { ...p.price, micros: p.price.micros + bump },
    sale_price: p.sale_price ? { ...p.sale_price, micros: p.sale_price.micros + bump } : null,
  };
}

// ---------------------------------------------------------------- statistics

interface Timing {
  median: number;
  p95: number;
  min: number;
  cpuMs: number;
  runs: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function timeRuns(runs: number, warmup: number, once: (i: number) => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await once(runs + i);
  const ms: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once(i);
    ms.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  ms.sort((a, b) => a - b);
  return { median: quantile(ms, 0.5), p95: quantile(ms, 0.95), min: ms[0]!, cpuMs: (used.user + used.system) / 1000 / runs, runs };
}

// ---------------------------------------------------------------- where the pipeline's ms go

/**
 * The pipeline's stages run one after another on the same inputs (the real render overlaps
 * rasterizing with the next piece's layout, so its total is less than this sum): template
 * layout, satori per overlay piece, rasterizing the pieces, the canvas with the photo,
 * blending, JPEG encoding. Medians in ms.
 */
async function stageBreakdown(fetchPhoto: PhotoFetcher, prepared: PreparedCreative[]): Promise<Record<string, number>> {
  const parts = nodeCreativeParts(fetchPhoto);
  const rasterizer = parts.rasterizer as typeof parts.rasterizer & RegionRasterizer;
  const loader = new PhotoLoader({ fetchPhoto, rasterizer });
  const times: Record<string, number[]> = {};
  const lap = (name: string, from: number) => (times[name] ??= []).push(performance.now() - from);
  for (const p of prepared) {
    let t = performance.now();
    const layout = badge.layout(p.input as ProductCreativeInput);
    lap('template layout', t);
    const slot = layout.photos[0]!;
    const loaded = await loader.load((p.input as ProductCreativeInput).product.image_link, slot);
    if (!loaded.image) throw new Error(loaded.message);
    const svgs: string[] = [];
    t = performance.now();
    for (const piece of overlayPieces(layout.over)) svgs.push(await parts.svg(piece, { ...SIZE, fonts: parts.fonts }));
    lap(`satori (${svgs.length} pieces)`, t);
    t = performance.now();
    const regions = [];
    for (const svg of svgs) regions.push(await rasterizer.svgRegion(svg));
    lap('resvg, painted boxes', t);
    t = performance.now();
    const canvas = solidCanvas(SIZE.width, SIZE.height, layout.background);
    const at = placement(slot, loaded.image);
    blend(canvas, loaded.image, at.left, at.top, slot);
    lap('canvas + photo', t);
    t = performance.now();
    for (const r of regions) if (r) blend(canvas, r.image, r.left, r.top);
    lap('blend overlay', t);
    t = performance.now();
    await rasterizer.encode(canvas, 'jpg');
    lap('JPEG encode', t);
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, quantile(v.sort((a, b) => a - b), 0.5)]));
}

// ---------------------------------------------------------------- the @vercel/og approach

const require = createRequire(import.meta.url);
let wasmReady: Promise<void> | undefined;

/**
 * The same drawing as the pipeline, the @vercel/og way: one satori tree with the photo as an
 * `<img>` (data URI of the photo as fetched) in its slot under the template's overlay.
 */
function dataUriTree(input: ProductCreativeInput, photo: Uint8Array): CreativeElement {
  const layout = badge.layout(input);
  const slot = layout.photos[0]!;
  const src = `data:image/jpeg;base64,${Buffer.from(photo.buffer, photo.byteOffset, photo.byteLength).toString('base64')}`;
  return {
    type: 'div',
    key: null,
    props: {
      style: { display: 'flex', position: 'relative', width: SIZE.width, height: SIZE.height, background: layout.background },
      children: [
        {
          type: 'img',
          key: null,
          props: {
            src,
            width: slot.width,
            height: slot.height,
            style: { position: 'absolute', left: slot.left, top: slot.top, width: slot.width, height: slot.height, objectFit: slot.fit },
          },
        },
        { type: 'div', key: null, props: { style: { display: 'flex', position: 'absolute', left: 0, top: 0 }, children: layout.over } },
      ],
    },
  };
}

async function dataUriJpeg(input: ProductCreativeInput, photo: Uint8Array, rasterizer: 'wasm' | 'native'): Promise<Uint8Array> {
  const svg = await satori(dataUriTree(input, photo) as never, { width: SIZE.width, height: SIZE.height, fonts: loadInterFonts() as never });
  let png: Uint8Array;
  if (rasterizer === 'wasm') {
    wasmReady ??= initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    await wasmReady;
    const r = new ResvgWasm(svg, { font: { loadSystemFonts: false } });
    png = r.render().asPng();
    r.free();
  } else {
    png = new ResvgNative(svg, { font: { loadSystemFonts: false }, imageRendering: 0, shapeRendering: 2, textRendering: 1 }).render().asPng();
  }
  const jpeg = await sharp(png).jpeg(JPEG).toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}

// ---------------------------------------------------------------- load generator (bench/http-load.ts)

const runChild = (url: string, paths: string[], seconds: number, concurrency: number) => runHttpLoad(url, paths, { seconds, concurrency });

/** The same JPEG from a server that does nothing else: the floor for this generator on this machine now. */
async function bareServer(jpeg: Uint8Array): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'cache-control': 'public, max-age=3600', etag: '"bare"', 'content-length': jpeg.byteLength });
    res.end(jpeg);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// ---------------------------------------------------------------- main

const ms = (n: number) => `${n.toFixed(1)} ms`;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const timing = (t: Timing) => `${ms(t.median)} median, p95 ${ms(t.p95)}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '40' },
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '32' },
      products: { type: 'string', default: '50' },
      only: { type: 'string' }, // 'render' (a–c) or 'http' (d)
    },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const runs = Number(values.runs);
  const products = Number(values.products);
  mkdirSync(OUT, { recursive: true });
  const tmp = mkdtempSync(join(os.tmpdir(), 'adfeed-bench-images-'));
  console.log(
    `images bench: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
      `${runs} runs each, photos ${PHOTO_EDGE}×${PHOTO_EDGE} JPEG`,
  );

  // The server: real app, real SQLite in a temp dir, photos from memory instead of the network.
  const photos = await photoMap(products);
  const fetchPhoto = memoryFetcher(photos);
  const dbFile = join(tmp, 'bench.db');
  process.env.HOST = '127.0.0.1';
  const settings = { ...parseSettings({ ADMIN_TOKEN: TOKEN, ADFEED_DB: dbFile, PUBLIC_URL: 'https://feeds.example.com' }), port: 0 };
  // The per-client render budget would refuse warming more than its burst from one address: off here.
  const server = await startServer(settings, { overrides: { creative: nodeCreativeParts(fetchPhoto), renderRateLimit: null } });
  const url = server.url.replace('localhost', '127.0.0.1');
  const admin = (path: string, init: RequestInit) => fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });
  const put = await admin(`/admin/catalogs/${CATALOG}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Bench Shop', link: 'https://shop.example.com', currency: 'EUR', locale: 'en-GB' }),
  });
  if (put.status >= 300) throw new Error(`catalog: ${put.status} ${await put.text()}`);
  const imported = await admin(`/admin/catalogs/${CATALOG}/imports`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: productRows(products) });
  const report = (await imported.json()) as { status?: string; counts?: { valid: number } };
  if (imported.status >= 300 || report.counts?.valid !== products) throw new Error(`import: ${imported.status} ${JSON.stringify(report).slice(0, 300)}`);

  const rendering = values.only === 'http' ? null : await renders(dbFile, fetchPhoto, photos, runs);
  const serving = values.only === 'render' ? null : await cachedOverHttp(url, products, seconds, concurrency);
  await server.close();
  rmSync(tmp, { recursive: true, force: true });

  // ------------------------------------------------------------ report
  const rows: Array<[string, string, string, string]> = [];
  if (rendering) {
    const { pipeline, coldMs, og, native, wasm } = rendering;
    rows.push(
      ['uncached badge 1080×1080 JPEG, pipeline (photo cached+decoded)', timing(pipeline), '< 40 ms median', `@vercel/og approach ${ms(og.median)} (b); SPEC: composited 66 ms`],
      ['  same with the Workers (wasm) parts, run in Node', timing(wasm), '-', `Node parts ${ms(pipeline.median)}`],
      ['  same, photo never seen: in-memory fetch + resize + render, once', ms(coldMs), '-', '-'],
      ['@vercel/og approach: data URI, satori → resvg-wasm PNG → sharp JPEG', timing(og), '-', 'SPEC: 740 ms'],
      ['data URI, satori → resvg-js (native) → sharp JPEG', timing(native), '-', 'SPEC: data URI + sharp 216 ms'],
    );
  }
  if (serving) {
    const { rate, load, floorRate, floor } = serving;
    rows.push([
      `cached creative over HTTP, ${concurrency} conns, ${seconds} s (child-process generator)`,
      `${fmt(rate)} responses/s, p99 ${ms(load.p99)}`,
      '≥ 3,000 responses/s',
      `bare node:http, same bytes: ${fmt(floorRate)}/s, p99 ${ms(floor.p99)}`,
    ]);
  }
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['figure', 'result', 'target', 'baseline'][c]!.length));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(line(['figure', 'result', 'target', 'baseline']));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  if (rendering) {
    const { pipeline, og, native, wasm, stages, bytes } = rendering;
    console.log(
      `  CPU per render (process, sharp and resvg threads included): pipeline ${ms(pipeline.cpuMs)}, wasm parts ${ms(wasm.cpuMs)}, @vercel/og approach ${ms(og.cpuMs)}, data URI + resvg-js ${ms(native.cpuMs)}; ` +
        `fastest pipeline run ${ms(pipeline.min)}; output ${fmt(bytes)} bytes`,
    );
    console.log(`  pipeline stages one after another (medians, ms): ${Object.entries(stages).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  if (serving) {
    const { load, serverCpuUs, floorCpuUs, warmMs } = serving;
    console.log(
      `  HTTP: ${fmt(load.requests)} responses (${JSON.stringify(load.statuses)}, X-Creative-Cache ${JSON.stringify(load.cache)}), ` +
        `${(load.bytes / load.ms / 1000).toFixed(0)} MB/s, p50 ${ms(load.p50)}, server CPU ${serverCpuUs.toFixed(0)} µs/response (bare: ${floorCpuUs.toFixed(0)} µs); ` +
        `warming ${products} creatives took ${fmt(warmMs)} ms`,
    );
  }
  const renderOk = !rendering || rendering.pipeline.median < 40;
  const servingOk = !serving || (serving.rate >= 3000 && serving.load.statuses['200'] === serving.load.requests);
  console.log(
    'targets (SPEC §4):' +
      (rendering ? ` uncached < 40 ms median ${renderOk ? 'met' : 'NOT met'};` : '') +
      (serving ? ` cached ≥ 3,000 responses/s ${servingOk ? 'met' : 'NOT met'}` : ''),
  );
  writeFileSync(join(OUT, 'images.json'), JSON.stringify({ at: new Date().toISOString(), loadavg: os.loadavg(), rendering, serving }, null, 2));
  if (!renderOk || !servingOk) process.exitCode = 1;
}

/** (a), (b), (c): uncached renders, the pipeline and the data-URI approaches, on the same inputs. */
async function renders(dbFile: string, fetchPhoto: PhotoFetcher, photos: Map<string, Uint8Array>, runs: number) {
  // A service of our own over the server's store (the app's is private): no blob cache, so
  // render() is the uncached work and nothing else.
  const { store, close } = await openNodeStore(dbFile);
  const catalog = (await store.getCatalog(CATALOG))!;
  const subject = (await store.getProduct(catalog.id, 'B-0001'))!; // on sale, free shipping: every part of the badge drawn
  const service = new CreativeService(nodeCreativeParts(fetchPhoto), store, [badge]);
  const now = new Date();
  const prepare = (p: Product) => service.prepareProduct(catalog, badge, p, '1080x1080', 'jpg', now);
  const prepared = await Promise.all(Array.from({ length: runs + 5 }, (_, i) => prepare(variant(subject, i))));
  if (new Set(prepared.map((p) => p.key)).size !== prepared.length) throw new Error('variants share a key: something would be memoised');
  // warm the process (fonts, JIT) on another photo first, so the cold-photo figure is the photo's cost
  await service.render(await prepare({ ...subject, image_link: 'https://shop.example.com/img/2.jpg' }));
  const coldStarted = performance.now();
  const cold = await service.render(await prepare({ ...variant(subject, 999), image_link: 'https://shop.example.com/img/cold.jpg' }));
  const coldMs = performance.now() - coldStarted;
  if (cold.photoProblem) throw new Error(`cold photo: ${cold.photoProblem}`);
  let sample: Uint8Array | undefined;
  const pipeline = await timeRuns(runs, 5, async (i) => {
    const out = await service.render(prepared[i]!);
    if (out.photoProblem) throw new Error(out.photoProblem);
    if (i === 0) sample = out.bytes;
  });
  const stages = await stageBreakdown(fetchPhoto, prepared.slice(0, runs));
  const meta = await sharp(sample!).metadata();
  if (meta.format !== 'jpeg' || meta.width !== 1080 || meta.height !== 1080) throw new Error(`unexpected output ${meta.format} ${meta.width}×${meta.height}`);
  writeFileSync(join(OUT, 'images-pipeline.jpg'), sample!);

  // The data-URI approach on the same inputs and the same photo bytes as fetched.
  const photo = photos.get(subject.image_link!)!;
  const inputs = prepared.map((p) => p.input as ProductCreativeInput);
  const og = await timeRuns(runs, 2, (i) => dataUriJpeg(inputs[i]!, photo, 'wasm'));
  writeFileSync(join(OUT, 'images-vercel-og.jpg'), await dataUriJpeg(inputs[0]!, photo, 'wasm'));
  const native = await timeRuns(runs, 2, (i) => dataUriJpeg(inputs[i]!, photo, 'native'));

  // The Workers parts on the same prepared creatives (after (b): resvg-wasm is started once per
  // process, by whoever comes first). Its own service, so its photo is prepared by the wasm codecs.
  const wasmService = new CreativeService(wasmCreativeParts(await loadWasmModules(), loadInterFonts(), fetchPhoto), store, [badge]);
  const wasmOut = await wasmService.render(prepared[0]!);
  if (wasmOut.photoProblem) throw new Error(`wasm parts: ${wasmOut.photoProblem}`);
  writeFileSync(join(OUT, 'images-wasm.jpg'), wasmOut.bytes);
  const wasm = await timeRuns(runs, 3, (i) => wasmService.render(prepared[i]!));
  close();
  return { pipeline, coldMs, stages, og, native, wasm, bytes: sample!.byteLength };
}

/** (d): every product's creative rendered once through the server, then GETs from a child process. */
async function cachedOverHttp(url: string, products: number, seconds: number, concurrency: number) {
  const paths = Array.from({ length: products }, (_, i) => `/img/${CATALOG}/badge/B-${String(i + 1).padStart(4, '0')}.jpg`);
  const warmStarted = performance.now();
  let served: Uint8Array | undefined;
  for (const path of paths) {
    const res = await fetch(`${url}${path}`);
    if (res.status !== 200 || res.headers.get('x-creative-photo')) throw new Error(`warm ${path}: ${res.status} ${res.headers.get('x-creative-photo') ?? ''}`);
    served = new Uint8Array(await res.arrayBuffer());
  }
  const warmMs = performance.now() - warmStarted;
  const cpuPer = (from: NodeJS.CpuUsage, n: number) => {
    const used = process.cpuUsage(from);
    return (used.user + used.system) / n;
  };
  let cpu = process.cpuUsage();
  const load = await runChild(url, paths, seconds, concurrency);
  const serverCpuUs = cpuPer(cpu, load.requests);
  const bare = await bareServer(served!);
  cpu = process.cpuUsage();
  const floor = await runChild(bare.url, paths, seconds, concurrency);
  const floorCpuUs = cpuPer(cpu, floor.requests);
  await bare.close();
  return { rate: (load.requests / load.ms) * 1000, load, serverCpuUs, floorRate: (floor.requests / floor.ms) * 1000, floor, floorCpuUs, warmMs };
}

await main();
