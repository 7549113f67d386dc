/**
 * The brand kit API: `GET|PUT /admin/catalogs/:catalog/brand-kit` (colours and corner style,
 * partial updates merge) and `PUT|GET|DELETE …/brand-kit/logo` (PNG, JPEG or WebP up to 1 MB).
 * Uploaded logos are decoded and re-encoded by the rasterizer, at most 600×240, before they are
 * stored: templates then embed a small, known-good image, never the uploaded bytes.
 */
import { Hono } from 'hono';
import { requireCatalog } from '../catalog/routes';
import type { AppEnv } from '../deps';
import { AppError, badRequest } from '../errors';
import { readCappedBytes } from '../http/body';
import type { Store, StoredBrandKit } from '../store/port';
import { sha256Hex } from '../util/crypto';
import { brandKitFrom } from './brand';
import { brandKitPatchSchema, DEFAULT_BRAND_KIT } from './brand-kit';
import type { Rasterizer } from './ports';
import { sniffImage } from './sniff';

export const MAX_LOGO_BYTES = 1024 * 1024;
const LOGO_BOX = { width: 600, height: 240, fit: 'contain' as const };

export const noRenderer = () => new AppError(503, 'creatives_unavailable', 'this server was started without a creative renderer');
export const logoTooLarge = () => new AppError(413, 'payload_too_large', `a logo may be at most ${MAX_LOGO_BYTES / 1024} KiB`);

/**
 * An uploaded logo as it is stored: checked to be PNG, JPEG or WebP (never SVG), decoded and
 * re-encoded by the rasterizer at most 600×240. Throws AppError 413, 415 or 422. Used by the
 * API (`PUT …/brand-kit/logo`) and the admin UI's upload form.
 */
export async function normaliseLogo(rasterizer: Rasterizer, bytes: Uint8Array): Promise<NonNullable<StoredBrandKit['logo']>> {
  if (bytes.byteLength > MAX_LOGO_BYTES) throw logoTooLarge();
  const format = sniffImage(bytes);
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp') {
    throw new AppError(415, 'unsupported_logo', 'the logo must be a PNG, JPEG or WebP image (SVG is not accepted)');
  }
  let prepared;
  try {
    prepared = await rasterizer.preparePhoto(bytes, LOGO_BOX);
  } catch (err) {
    throw new AppError(422, 'unreadable_logo', `the logo could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    content_type: sniffImage(prepared.bytes) === 'png' ? 'image/png' : 'image/jpeg',
    width: prepared.image.width,
    height: prepared.image.height,
    bytes: prepared.bytes,
    sha256: await sha256Hex(prepared.bytes),
  };
}

/** The kit as the API shows it: effective colours, logo facts (not bytes), version, defaults. */
async function describe(store: Store, catalogId: number) {
  const stored = await store.getBrandKit(catalogId);
  const { logo: _dataUri, version, ...colours } = brandKitFrom(stored);
  const logo = stored.logo ? { content_type: stored.logo.content_type, width: stored.logo.width, height: stored.logo.height } : null;
  return { ...colours, logo, version, defaults: DEFAULT_BRAND_KIT };
}

export function brandKitRoutes(rasterizer: Rasterizer | null) {
  const app = new Hono<AppEnv>();

  app.get('/:catalog/brand-kit', async (c) => {
    const catalog = await requireCatalog(c);
    return c.json(await describe(c.get('deps').store, catalog.id));
  });

  app.put('/:catalog/brand-kit', async (c) => {
    const catalog = await requireCatalog(c);
    const body: unknown = await c.req.json().catch(() => {
      throw badRequest('the body must be a JSON object of brand kit fields');
    });
    const patch = brandKitPatchSchema.safeParse(body);
    if (!patch.success) {
      throw new AppError(
        422,
        'invalid_brand_kit',
        'brand kit fields are not valid',
        patch.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
      );
    }
    const { store, clock } = c.get('deps');
    const current = (await store.getBrandKit(catalog.id)).colours ?? {};
    await store.putBrandColours(catalog.id, { ...current, ...patch.data }, clock().toISOString());
    return c.json(await describe(c.get('deps').store, catalog.id));
  });

  app.delete('/:catalog/brand-kit', async (c) => {
    const catalog = await requireCatalog(c);
    const { store, clock } = c.get('deps');
    await store.putBrandColours(catalog.id, null, clock().toISOString());
    return c.json(await describe(c.get('deps').store, catalog.id));
  });

  app.put('/:catalog/brand-kit/logo', async (c) => {
    const catalog = await requireCatalog(c);
    if (!rasterizer) throw noRenderer();
    const bytes = await readCappedBytes(c.req.raw, MAX_LOGO_BYTES, logoTooLarge);
    const { store, clock } = c.get('deps');
    await store.putBrandLogo(catalog.id, await normaliseLogo(rasterizer, bytes), clock().toISOString());
    return c.json(await describe(c.get('deps').store, catalog.id));
  });

  app.get('/:catalog/brand-kit/logo', async (c) => {
    const catalog = await requireCatalog(c);
    const { logo } = await c.get('deps').store.getBrandKit(catalog.id);
    if (!logo) throw new AppError(404, 'no_logo', `"${catalog.slug}" has no logo`);
    return c.body(logo.bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': logo.content_type, 'Cache-Control': 'private, no-cache' });
  });

  app.delete('/:catalog/brand-kit/logo', async (c) => {
    const catalog = await requireCatalog(c);
    const { store, clock } = c.get('deps');
    await store.putBrandLogo(catalog.id, null, clock().toISOString());
    return c.json(await describe(c.get('deps').store, catalog.id));
  });

  return app;
}
