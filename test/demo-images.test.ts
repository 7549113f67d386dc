import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { demoImageRoute, renderDemoImage } from '../src/demo/images';
// Loaded as in the demo server: it blocks sharp's SVG loader process-wide, and the demo's own
// photos must still render (they once did not: every demo creative was a placeholder).
import '../src/runtime/node-creative';

/** Mean per-channel difference of two same-size images, downscaled: 0 identical, 255 opposite. */
async function difference(a: Uint8Array, b: Uint8Array): Promise<number> {
  const small = (img: Uint8Array) => sharp(img).resize(32, 32, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const [x, y] = await Promise.all([small(a), small(b)]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

describe('renderDemoImage', () => {
  it('renders a 1000x1000 JPEG, well under 100 KB', async () => {
    const img = await renderDemoImage('P-000007-WHITE-L');
    const meta = await sharp(img).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBe(1000);
    expect(meta.height).toBe(1000);
    expect(img.byteLength).toBeLessThan(100_000);
  });

  it('gives the same bytes for the same id, also past the cache', async () => {
    const a = await renderDemoImage('P-000042', { size: 600 });
    const b = await renderDemoImage('P-000042', { size: 600 });
    expect(b).toBe(a); // cached
    const c = await renderDemoImage('P-000042', { size: 601 });
    const d = await renderDemoImage('P-000042', { size: 601, format: 'jpeg' });
    expect(Buffer.from(d).equals(Buffer.from(c))).toBe(true);
    // A fresh render (different cache key, same picture) is byte-identical too.
    const fresh = await renderDemoImage('P-000042', { size: 600, format: 'png' });
    const again = await renderDemoImage('P-000042', { size: 600, format: 'png' });
    expect(Buffer.from(again).equals(Buffer.from(fresh))).toBe(true);
  });

  it('draws different pictures for different ids', async () => {
    const ids = ['P-000001', 'P-000002', 'P-000007-WHITE-L', 'P-000007-WHITE-XL', 'some-other-id'];
    const images = await Promise.all(ids.map((id) => renderDemoImage(id, { size: 500 })));
    for (let i = 0; i < images.length; i++) {
      for (let j = i + 1; j < images.length; j++) {
        expect(await difference(images[i]!, images[j]!), `${ids[i]} vs ${ids[j]}`).toBeGreaterThan(1);
      }
    }
  });

  it('renders png and webp in the requested format', async () => {
    expect((await sharp(await renderDemoImage('P-000003', { format: 'png', size: 500 })).metadata()).format).toBe('png');
    expect((await sharp(await renderDemoImage('P-000003', { format: 'webp', size: 500 })).metadata()).format).toBe('webp');
  });

  it('refuses silly sizes', async () => {
    await expect(renderDemoImage('P-000001', { size: 0 })).rejects.toThrow(RangeError);
    await expect(renderDemoImage('P-000001', { size: 10_000 })).rejects.toThrow(RangeError);
  });
});

describe('demoImageRoute', () => {
  it('serves known extensions with the matching Content-Type', async () => {
    const jpg = await demoImageRoute('P-000001', 'jpg');
    expect(jpg?.contentType).toBe('image/jpeg');
    expect((await sharp(jpg!.body).metadata()).width).toBe(1000);
    expect((await demoImageRoute('P-000001', 'jpeg'))?.contentType).toBe('image/jpeg');
    expect((await demoImageRoute('P-000001', 'png'))?.contentType).toBe('image/png');
    expect((await demoImageRoute('P-000001', 'WEBP'))?.contentType).toBe('image/webp');
  });

  it('answers null for a bad id or extension', async () => {
    for (const id of ['', '../etc/passwd', 'a/b', 'P 1', 'x'.repeat(101), 'P-1<script>', 'é']) {
      expect(await demoImageRoute(id, 'jpg'), id).toBeNull();
    }
    for (const ext of ['gif', 'svg', '', 'constructor', '__proto__', 'jpg ']) {
      expect(await demoImageRoute('P-000001', ext), ext).toBeNull();
    }
  });
});
