/**
 * `GET /admin/catalogs/:catalog/creatives?template=&size=&q=&after=&limit=`: a contact sheet of
 * rendered creatives for a page of products (HTML; JSON with `Accept: application/json`). Image
 * URLs are relative and signed, so the sheet works behind any host name; the images themselves
 * render on demand as the browser asks for them.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { requireCatalog } from '../catalog/routes';
import type { AppEnv } from '../deps';
import { AppError } from '../errors';
import type { CreativeService } from './service';
import { CREATIVE_SIZES, DEFAULT_SIZE, isCreativeSize, type CreativeSizeName } from './sizes';
import { chosenProductsCreativeUrl, productCreativeUrl } from './urls';

const sheetQuery = z.object({
  template: z.string().min(1).max(60).optional(),
  size: z.string().refine(isCreativeSize, 'unknown size').optional(),
  q: z.string().max(200).optional(),
  after: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(60).default(24),
});

interface Tile {
  caption: string;
  detail: string;
  url: string;
}

export function creativeAdminRoutes(service: CreativeService) {
  const app = new Hono<AppEnv>();

  app.get('/:catalog/creatives', async (c) => {
    const parsed = sheetQuery.safeParse(c.req.query());
    if (!parsed.success) throw new AppError(400, 'bad_query', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const query = parsed.data;
    const catalog = await requireCatalog(c);
    const templateName = query.template ?? [...service.templates.keys()][0]!;
    const template = service.templates.get(templateName);
    if (!template) throw new AppError(404, 'unknown_template', `no creative template "${templateName}"`, { templates: [...service.templates.keys()] });
    const size = (query.size ?? DEFAULT_SIZE) as CreativeSizeName;
    const { store, settings, clock } = c.get('deps');
    const page = await store.searchProducts(catalog.id, { q: query.q, after: query.after, limit: query.limit });
    const now = clock();
    const tiles: Tile[] = [];
    const format = 'jpg' as const;
    if (template.kind === 'product') {
      for (const product of page.items) {
        const prepared = await service.prepareProduct(catalog, template, product, size, format, now);
        const url = await productCreativeUrl(
          { base: '', signingKey: settings.signingKey, catalog: catalog.slug, template: template.name, size, format, v: prepared.key },
          product.id,
        );
        tiles.push({ caption: product.title, detail: product.id, url });
      }
    } else {
      // visitor templates: the page's products in groups of one to four, to show every layout
      let at = 0;
      for (let count = 1; at < page.items.length; count = (count % 4) + 1) {
        const group = page.items.slice(at, at + count);
        at += count;
        const url = await chosenProductsCreativeUrl(
          { base: '', signingKey: settings.signingKey, catalog: catalog.slug, template: template.name, size, format },
          group.map((p) => p.id),
        );
        tiles.push({ caption: `${group.length} product${group.length > 1 ? 's' : ''}`, detail: group.map((p) => p.id).join(', '), url });
      }
    }

    if ((c.req.header('accept') ?? '').includes('application/json')) {
      return c.json({ catalog: catalog.slug, template: template.name, size, items: tiles, next: page.next });
    }
    const base = `/admin/catalogs/${encodeURIComponent(catalog.slug)}/creatives`;
    const link = (over: Record<string, string | undefined>) => {
      const p = new URLSearchParams();
      const merged = { template: template.name, size, q: query.q, ...over };
      for (const [k, v] of Object.entries(merged)) if (v) p.set(k, v);
      return `${base}?${p}`;
    };
    const { width, height } = CREATIVE_SIZES[size];
    const tileWidth = Math.min(260, width);
    return c.html(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${catalog.title}: ${template.name} creatives`}</title>
          <style>{`
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111827}
            nav{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}
            nav a{padding:4px 10px;border:1px solid #d1d5db;border-radius:999px;color:inherit;text-decoration:none}
            nav a[aria-current]{background:#111827;color:#fff;border-color:#111827}
            .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(${tileWidth}px,1fr));gap:16px;margin-top:16px}
            figure{margin:0}
            img{width:100%;height:auto;aspect-ratio:${width}/${height};background:#f3f4f6;border-radius:6px}
            figcaption{font-size:12px;color:#4b5563;overflow-wrap:anywhere}
          `}</style>
        </head>
        <body>
          <h1>{`${catalog.title}: creatives`}</h1>
          <p>{template.description}</p>
          <nav aria-label="Templates">
            {[...service.templates.values()].map((t) => (
              <a href={link({ template: t.name, after: undefined })} aria-current={t.name === template.name ? 'page' : undefined}>
                {t.name}
              </a>
            ))}
          </nav>
          <nav aria-label="Sizes">
            {Object.keys(CREATIVE_SIZES).map((s) => (
              <a href={link({ size: s })} aria-current={s === size ? 'page' : undefined}>
                {s}
              </a>
            ))}
          </nav>
          <div class="grid">
            {tiles.map((t) => (
              <figure>
                <img src={t.url} alt={t.caption} loading="lazy" width={width} height={height} />
                <figcaption>
                  <strong>{t.caption}</strong>
                  <br />
                  {t.detail}
                </figcaption>
              </figure>
            ))}
          </div>
          {tiles.length === 0 ? <p>No products yet: import a catalog first.</p> : null}
          {page.next ? (
            <p>
              <a href={link({ after: page.next })}>Next page</a>
            </p>
          ) : null}
        </body>
      </html>,
    );
  });

  return app;
}
