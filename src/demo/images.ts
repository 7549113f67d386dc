/**
 * Product photos for the demo catalog, drawn on request: `image_link` of every demo product
 * points at `/demo/images/<id>.jpg`, so the demo needs no image files and no network.
 *
 * Node-only (sharp). The picture is an SVG (soft gradient backdrop, a floor shadow and a simple
 * silhouette of the product's kind in the product's colour) that sharp rasterises. No text, so
 * no dependence on system fonts, and no promotional overlay, as Google requires of image_link.
 * Deterministic: the same id always gives the same bytes.
 */
import { serve } from '@hono/node-server';
import { Resvg } from '@resvg/resvg-js';
import { Hono } from 'hono';
import sharp from 'sharp';
import { demoLook, type DemoShape } from './catalog-generator';

export type DemoImageFormat = 'jpeg' | 'png' | 'webp';

export interface DemoImageOptions {
  /** Edge in px (square). Default 1000: Google wants >= 500x500. */
  size?: number;
  format?: DemoImageFormat;
}

const ID_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
const FORMATS = new Map<string, { format: DemoImageFormat; contentType: string }>([
  ['jpg', { format: 'jpeg', contentType: 'image/jpeg' }],
  ['jpeg', { format: 'jpeg', contentType: 'image/jpeg' }],
  ['png', { format: 'png', contentType: 'image/png' }],
  ['webp', { format: 'webp', contentType: 'image/webp' }],
]);
const CACHE_ENTRIES = 500;
const MIN_SIZE = 16;
const MAX_SIZE = 2000;

/** FNV-1a: a stable 32-bit hash of the id for colours and small variations. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

function hex([r, g, b]: [number, number, number]): string {
  return '#' + [r, g, b].map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0')).join('');
}

function parseHex(h: string): [number, number, number] {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Mix a colour toward white (t > 0) or black (t < 0). */
function tint(rgb: [number, number, number], t: number): string {
  const target = t > 0 ? 255 : 0;
  const k = Math.abs(t);
  return hex([rgb[0] + (target - rgb[0]) * k, rgb[1] + (target - rgb[1]) * k, rgb[2] + (target - rgb[2]) * k]);
}

const SHAPES: readonly DemoShape[] = ['top', 'bottom', 'dress', 'coat', 'shoe', 'bag', 'hat', 'mug', 'pot', 'cushion', 'vase', 'lamp', 'bottle', 'box', 'device', 'round', 'mat', 'tent', 'toy'];

/** Silhouettes on a 1000x1000 canvas, centred near (500, 500): `F` is the body fill, `D` a darker detail, `L` a lighter one. */
const SILHOUETTES: Record<DemoShape, string> = {
  top: '<path d="M360 250 L435 215 Q500 265 565 215 L640 250 L770 370 L700 450 L650 410 L650 770 L350 770 L350 410 L300 450 L230 370 Z" fill="F" stroke="F" stroke-width="30" stroke-linejoin="round"/><path d="M435 215 Q500 265 565 215" fill="none" stroke="D" stroke-width="14"/>',
  bottom: '<path d="M370 220 H630 L665 790 H545 L500 410 L455 790 H335 Z" fill="F" stroke="F" stroke-width="24" stroke-linejoin="round"/><rect x="370" y="220" width="260" height="40" fill="D"/>',
  dress: '<path d="M430 210 H570 L590 390 L710 790 H290 L410 390 Z" fill="F" stroke="F" stroke-width="26" stroke-linejoin="round"/><rect x="405" y="380" width="190" height="26" rx="10" fill="D"/>',
  coat: '<path d="M365 220 L440 195 L500 260 L560 195 L635 220 L760 360 L700 440 L660 400 L665 810 L335 810 L340 400 L300 440 L240 360 Z" fill="F" stroke="F" stroke-width="30" stroke-linejoin="round"/><path d="M500 260 V810" stroke="D" stroke-width="12"/><circle cx="525" cy="420" r="12" fill="D"/><circle cx="525" cy="540" r="12" fill="D"/><circle cx="525" cy="660" r="12" fill="D"/>',
  shoe: '<g transform="translate(-75 -105) scale(1.15)"><path d="M230 650 Q225 520 320 500 L455 470 Q535 455 580 520 L720 565 Q790 590 790 655 Z" fill="F" stroke="F" stroke-width="24" stroke-linejoin="round"/><rect x="215" y="640" width="590" height="60" rx="28" fill="L"/><path d="M455 500 L520 560 M425 510 L495 575" stroke="D" stroke-width="12" stroke-linecap="round"/></g>',
  bag: '<path d="M400 380 Q400 240 500 240 Q600 240 600 380" fill="none" stroke="D" stroke-width="30"/><rect x="290" y="370" width="420" height="380" rx="48" fill="F"/><rect x="290" y="370" width="420" height="70" rx="30" fill="D" opacity="0.35"/>',
  hat: '<path d="M300 610 Q300 330 500 330 Q700 330 700 610 Z" fill="F"/><ellipse cx="500" cy="610" rx="275" ry="58" fill="D"/><rect x="300" y="540" width="400" height="36" fill="D" opacity="0.5"/>',
  mug: '<circle cx="660" cy="540" r="90" fill="none" stroke="D" stroke-width="42"/><rect x="320" y="360" width="320" height="390" rx="40" fill="F"/><ellipse cx="480" cy="370" rx="160" ry="26" fill="D" opacity="0.35"/>',
  pot: '<rect x="150" y="535" width="170" height="44" rx="22" fill="D"/><rect x="300" y="470" width="420" height="260" rx="48" fill="F"/><ellipse cx="510" cy="470" rx="225" ry="40" fill="D"/><rect x="480" y="405" width="60" height="40" rx="16" fill="D"/>',
  cushion: '<path d="M260 330 Q500 290 740 330 Q780 530 740 730 Q500 770 260 730 Q220 530 260 330 Z" fill="F"/><path d="M300 370 Q500 340 700 370 Q730 530 700 690 Q500 720 300 690 Q270 530 300 370 Z" fill="none" stroke="D" stroke-width="8" stroke-dasharray="18 14" opacity="0.6"/>',
  vase: '<path d="M445 240 H555 Q555 320 620 400 Q705 510 640 690 Q600 770 500 770 Q400 770 360 690 Q295 510 380 400 Q445 320 445 240 Z" fill="F"/><ellipse cx="500" cy="242" rx="62" ry="16" fill="D"/>',
  lamp: '<ellipse cx="500" cy="770" rx="150" ry="34" fill="D"/><rect x="488" y="450" width="24" height="320" fill="D"/><path d="M375 240 H625 L710 470 H290 Z" fill="F" stroke="F" stroke-width="20" stroke-linejoin="round"/>',
  bottle: '<rect x="440" y="220" width="120" height="80" rx="14" fill="D"/><rect x="455" y="290" width="90" height="90" fill="L"/><rect x="370" y="360" width="260" height="410" rx="60" fill="F"/><rect x="410" y="500" width="180" height="150" rx="16" fill="L" opacity="0.55"/>',
  box: '<path d="M300 380 L500 300 L700 380 L500 460 Z" fill="L"/><path d="M300 380 L500 460 L500 760 L300 680 Z" fill="F"/><path d="M700 380 L500 460 L500 760 L700 680 Z" fill="D"/>',
  device: '<rect x="250" y="380" width="500" height="320" rx="70" fill="F"/><circle cx="390" cy="540" r="80" fill="D"/><circle cx="610" cy="540" r="80" fill="D"/><circle cx="390" cy="540" r="30" fill="L"/><circle cx="610" cy="540" r="30" fill="L"/>',
  round: '<circle cx="500" cy="520" r="240" fill="F"/><circle cx="500" cy="520" r="170" fill="L" opacity="0.45"/><circle cx="500" cy="520" r="24" fill="D"/>',
  mat: '<rect x="250" y="450" width="470" height="230" rx="115" fill="F"/><circle cx="720" cy="565" r="115" fill="L"/><circle cx="720" cy="565" r="60" fill="D" opacity="0.5"/>',
  tent: '<path d="M500 270 L790 760 H210 Z" fill="F" stroke="F" stroke-width="24" stroke-linejoin="round"/><path d="M500 430 L600 760 H400 Z" fill="D"/>',
  toy: '<circle cx="390" cy="300" r="62" fill="F"/><circle cx="610" cy="300" r="62" fill="F"/><circle cx="500" cy="640" r="170" fill="F"/><circle cx="500" cy="390" r="150" fill="F"/><ellipse cx="500" cy="440" rx="62" ry="44" fill="L"/><circle cx="445" cy="370" r="14" fill="D"/><circle cx="555" cy="370" r="14" fill="D"/><circle cx="500" cy="640" r="90" fill="L" opacity="0.5"/>',
};

/**
 * The SVG behind a demo image. Product ids of the demo catalog get their category's silhouette
 * and their colour; any other id still gets a stable picture from its hash.
 */
export function demoImageSvg(id: string, size = 1000): string {
  const h = hash(id);
  const look = demoLook(id);
  const shape = look?.shape ?? SHAPES[h % SHAPES.length]!;
  const hue = (h >>> 8) % 360;
  const body = look?.color ? parseHex(look.color) : hslToRgb((hue + 150 + ((h >>> 20) % 60)) % 360, 0.45, 0.48);
  const bgTop = hex(hslToRgb(hue, 0.38, 0.94));
  const bgBottom = hex(hslToRgb((hue + 24) % 360, 0.3, 0.8));
  // Extra views (`<id>-2`, `-3`) and different products sit at slightly different angles.
  const angle = ((h >>> 4) % 13) - 6;
  const art = SILHOUETTES[shape]
    .replace(/"F"/g, '"url(#p)"')
    .replace(/"D"/g, `"${tint(body, -0.35)}"`)
    .replace(/"L"/g, `"${tint(body, 0.45)}"`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 1000 1000">` +
    '<defs>' +
    `<linearGradient id="bg" x1="0" y1="0" x2="0.3" y2="1"><stop offset="0" stop-color="${bgTop}"/><stop offset="1" stop-color="${bgBottom}"/></linearGradient>` +
    `<linearGradient id="p" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${tint(body, 0.18)}"/><stop offset="1" stop-color="${tint(body, -0.18)}"/></linearGradient>` +
    '<radialGradient id="sh" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#000" stop-opacity="0.28"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>' +
    '</defs>' +
    '<rect width="1000" height="1000" fill="url(#bg)"/>' +
    '<ellipse cx="500" cy="815" rx="330" ry="55" fill="url(#sh)"/>' +
    `<g transform="rotate(${angle} 500 520)">${art}</g>` +
    '</svg>'
  );
}

async function rasterise(id: string, size: number, format: DemoImageFormat): Promise<Uint8Array> {
  // resvg rasterizes the SVG: sharp's SVG loader is blocked process-wide in servers that render
  // creatives (src/runtime/node-creative.ts), because product photos are untrusted.
  const rendered = new Resvg(demoImageSvg(id, size), { font: { loadSystemFonts: false } }).render();
  const img = sharp(rendered.pixels, { raw: { width: rendered.width, height: rendered.height, channels: 4, premultiplied: true } });
  const out =
    format === 'png'
      ? img.png({ compressionLevel: 9, palette: true })
      : format === 'webp'
        ? img.webp({ quality: 80 })
        : img.jpeg({ quality: 82 }); // mozjpeg would save ~30% bytes but costs ~3x the time
  const buf = await out.toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Least-recently-used cache of renders in flight or done; Map keeps insertion order. */
const cache = new Map<string, Promise<Uint8Array>>();

/** A deterministic product photo for `id`: 1000x1000 JPEG by default, cached (500 entries). */
export function renderDemoImage(id: string, opts: DemoImageOptions = {}): Promise<Uint8Array> {
  const size = opts.size ?? 1000;
  const format = opts.format ?? 'jpeg';
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE) {
    return Promise.reject(new RangeError(`size must be an integer in ${MIN_SIZE}..${MAX_SIZE}, got ${size}`));
  }
  const key = `${format}:${size}:${id}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = rasterise(id, size, format);
  cache.set(key, pending);
  // A failed render must not stay cached.
  pending.catch(() => cache.delete(key));
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return pending;
}

/**
 * The `/demo/images/:id.:ext` handler without a framework: null for an id or extension it
 * does not serve (answer 404), else the bytes and their Content-Type.
 */
export async function demoImageRoute(
  id: string,
  ext: string,
): Promise<{ body: Uint8Array; contentType: string } | null> {
  const kind = FORMATS.get(ext.toLowerCase());
  if (!kind || !ID_PATTERN.test(id)) return null;
  return { body: await renderDemoImage(id, { format: kind.format }), contentType: kind.contentType };
}

/** `GET /demo/images/:id.:ext` as a Hono app: mounted by the demo server, or served alone by `serveDemoImages`. */
export function demoImageRoutes(): Hono {
  const app = new Hono();
  app.get('/demo/images/:file', async (c) => {
    const m = /^(.+)\.([a-z]+)$/.exec(c.req.param('file'));
    const image = m?.[1] && m[2] ? await demoImageRoute(m[1], m[2]) : null;
    if (!image) return c.json({ error: 'not_found', message: 'no such demo image' }, 404);
    return c.body(image.body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': image.contentType,
      'Cache-Control': 'public, max-age=86400',
    });
  });
  return app;
}

/**
 * The demo photos on their own loopback server (port 0: any free one), for runs where the
 * service under test is another process or a Worker: the soak, `npm run dev:worker`.
 */
export async function serveDemoImages(port = 0): Promise<{ origin: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: demoImageRoutes().fetch, port, hostname: '127.0.0.1' }, (info) =>
      resolve({ origin: `http://127.0.0.1:${info.port}`, close: () => new Promise((done) => server.close(() => done())) }),
    );
  });
}
