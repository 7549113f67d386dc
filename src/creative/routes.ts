/**
 * Public creative images:
 * - `GET /img/:catalog/:template/:productId.(png|jpg|webp)?size=` a product's creative;
 * - `GET /img/:catalog/:template/v/:visitorId.(png|jpg|webp)` a visitor's (always signed);
 * - `GET /img/:catalog/:template/p/:id,:id….(png|jpg|webp)` chosen products in a visitor
 *   template (always signed: previews, e-mail tools that pick the products themselves).
 * Anything beyond a product creative at the default size must carry a valid `sig`
 * (./signing.ts), so strangers cannot make the server render arbitrary work.
 */
import { Hono, type Context } from 'hono';
import { requireCatalog } from '../catalog/routes';
import type { Catalog } from '../catalog/catalog';
import type { Product } from '../catalog/product';
import type { AppEnv } from '../deps';
import { AppError, notFound } from '../errors';
import { recommend } from '../insights/recommend';
import { VISITOR_ID } from '../signals/events';
import { tokenBuckets, type RateLimit } from '../signals/rate-limit';
import type { CreativeResult, CreativeService, PreparedCreative } from './service';
import { verify } from './signing';
import { DEFAULT_SIZE, IMAGE_CONTENT_TYPES, IMAGE_FORMATS, isCreativeSize, type CreativeSizeName, type ImageFormat } from './sizes';
import type { CreativeTemplate, ProductTemplate, VisitorTemplate } from './template';
import { needsSignature } from './urls';
import { clientIpOf } from '../signals/http';

const FILE = /^(.+)\.([a-z]+)$/;
const MAX_PREVIEW_ITEMS = 4;
const YEAR = 31_536_000;

function parseFile(file: string): { name: string; format: ImageFormat } {
  const m = FILE.exec(file);
  const format = m?.[2] as ImageFormat | undefined;
  if (!m || !format || !IMAGE_FORMATS.includes(format)) {
    throw notFound(`"${file.slice(0, 80)}" is not <id>.png, <id>.jpg or <id>.webp`);
  }
  return { name: m[1]!, format };
}

function parseSize(c: Context<AppEnv>): CreativeSizeName {
  const size = c.req.query('size') ?? DEFAULT_SIZE;
  if (!isCreativeSize(size)) throw new AppError(404, 'unknown_size', `no creative size "${size.slice(0, 40)}"; sizes: 1080x1080, 1200x628, 1080x1920, 1200x1200, 300x250`);
  return size;
}

function findTemplate<K extends CreativeTemplate['kind']>(
  service: CreativeService,
  name: string,
  kind: K,
): Extract<CreativeTemplate, { kind: K }> {
  const t = service.templates.get(name);
  if (!t) {
    throw new AppError(404, 'unknown_template', `no creative template "${name.slice(0, 60)}"`, { templates: [...service.templates.keys()] });
  }
  if (t.kind !== kind) {
    const where = t.kind === 'visitor' ? `/img/:catalog/${name}/v/:visitorId.jpg` : `/img/:catalog/${name}/:productId.jpg`;
    throw new AppError(404, 'wrong_template_kind', `"${name}" is a ${t.kind} template: use ${where}`);
  }
  return t as Extract<CreativeTemplate, { kind: K }>;
}

/** The raw (still percent-encoded) path and query, exactly as signed. */
async function requireSignature(c: Context<AppEnv>, always: boolean): Promise<void> {
  const url = new URL(c.req.url);
  if (!always && !needsSignature(url.searchParams)) return;
  const ok = await verify(c.get('deps').settings.signingKey, url.pathname, url.searchParams);
  if (!ok) {
    throw new AppError(
      403,
      'bad_signature',
      always
        ? 'this image URL must be signed (sig): per-visitor and preview images are handed out by adfeed, not built by hand'
        : 'image URLs with parameters beyond the defaults must be signed (sig)',
    );
  }
}

/** Renders (cache misses) a client may cause: cached images are served without limit. */
export const DEFAULT_RENDER_RATE_LIMIT: RateLimit = { perSecond: 10, burst: 60 };

type RenderBudget = (c: Context<AppEnv>) => () => void;

function renderBudget(limit: RateLimit | null): RenderBudget {
  if (!limit) return () => () => {};
  const buckets = tokenBuckets(limit);
  return (c) => () => {
    const { clock } = c.get('deps');
    const wait = buckets.take(clientIpOf(c), clock().getTime());
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new AppError(429, 'rate_limited', `too many new images rendered for this address; retry in ${wait} s (cached images are not limited)`);
    }
  };
}

async function answer(c: Context<AppEnv>, service: CreativeService, prepared: PreparedCreative, personal: boolean, budget: RenderBudget) {
  const etag = `"${prepared.key}"`;
  // the URL names this exact image when its v is the key: then it never changes
  const immutable = c.req.query('v') === prepared.key;
  const cacheControl = personal
    ? 'private, max-age=600'
    : immutable
      ? `public, max-age=${YEAR}, immutable`
      : 'public, max-age=3600';
  const inm = c.req.header('if-none-match');
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    return c.body(null, 304, { ETag: etag, 'Cache-Control': cacheControl });
  }
  const result: CreativeResult = await service.image(prepared, budget(c));
  const headers: Record<string, string> = {
    'Content-Type': IMAGE_CONTENT_TYPES[prepared.format],
    ETag: etag,
    'Cache-Control': result.photoProblem ? (personal ? 'private, max-age=60' : 'public, max-age=300') : cacheControl,
    'X-Creative-Cache': result.source,
    'X-Content-Type-Options': 'nosniff',
  };
  // A placeholder stands in for a photo we could not use; say why (admins debug feeds with it).
  if (result.photoProblem) headers['X-Creative-Photo'] = result.photoProblem.slice(0, 300).replace(/[^\x20-\x7e]/g, '?');
  if (personal) headers['X-Robots-Tag'] = 'noindex';
  return c.body(result.bytes as Uint8Array<ArrayBuffer>, 200, headers);
}

async function liveProducts(c: Context<AppEnv>, catalog: Catalog, ids: readonly string[]): Promise<Product[]> {
  const { store } = c.get('deps');
  const rows = await Promise.all(ids.map((id) => store.getProduct(catalog.id, id)));
  return rows.filter((p): p is NonNullable<typeof p> => p !== null);
}

export function creativeRoutes(service: CreativeService, renderLimit: RateLimit | null = DEFAULT_RENDER_RATE_LIMIT) {
  const app = new Hono<AppEnv>();
  const budget = renderBudget(renderLimit);

  app.get('/:catalog/:template/v/:file', async (c) => {
    const { name: visitorId, format } = parseFile(c.req.param('file'));
    const template: VisitorTemplate = findTemplate(service, c.req.param('template'), 'visitor');
    const size = parseSize(c);
    await requireSignature(c, true);
    if (!VISITOR_ID.test(visitorId)) throw new AppError(400, 'bad_visitor_id', 'visitor ids are 8-64 letters, digits, dashes or underscores');
    const catalog = await requireCatalog(c);
    const { insights, clock } = c.get('deps');
    const now = clock();
    const recs = await recommend(insights, catalog, visitorId, 8, now);
    // A cart reminder shows the abandoned cart when there is one; otherwise the best of the rest.
    const cart = recs.filter((r) => r.reason === 'abandoned_cart');
    const picked = (template.name === 'cart-reminder' && cart.length > 0 ? cart : recs).slice(0, MAX_PREVIEW_ITEMS);
    const products = await liveProducts(c, catalog, picked.map((r) => r.id));
    if (products.length === 0) throw new AppError(404, 'no_products', 'the catalog has no products to show');
    return answer(c, service, await service.prepareVisitor(catalog, template, products, size, format, now), true, budget);
  });

  app.get('/:catalog/:template/p/:file', async (c) => {
    const { name, format } = parseFile(c.req.param('file'));
    const template: VisitorTemplate = findTemplate(service, c.req.param('template'), 'visitor');
    const size = parseSize(c);
    await requireSignature(c, true);
    const ids = name.split(',').filter(Boolean).slice(0, MAX_PREVIEW_ITEMS);
    const catalog = await requireCatalog(c);
    const products = await liveProducts(c, catalog, ids);
    if (products.length === 0) throw new AppError(404, 'unknown_product', `none of ${ids.length} products exists in "${catalog.slug}"`);
    return answer(c, service, await service.prepareVisitor(catalog, template, products, size, format, c.get('deps').clock()), false, budget);
  });

  app.get('/:catalog/:template/:file', async (c) => {
    const { name: productId, format } = parseFile(c.req.param('file'));
    const template: ProductTemplate = findTemplate(service, c.req.param('template'), 'product');
    const size = parseSize(c);
    await requireSignature(c, false);
    const catalog = await requireCatalog(c);
    const prepared = await service.productCreative(catalog, template, productId, size, format, c.get('deps').clock());
    if (!prepared) throw new AppError(404, 'unknown_product', `no product "${productId.slice(0, 80)}" in "${catalog.slug}"`);
    return answer(c, service, prepared, false, budget);
  });

  return app;
}
