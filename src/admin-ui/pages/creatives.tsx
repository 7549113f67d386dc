/**
 * The Creatives tab (`/admin/c/:catalog/creatives?template=&size=&after=&visitor=&ids=`): pick a
 * template and a size, see a page of products drawn in it. Visitor templates also preview one
 * visitor's personal image and a chosen set of products. Every image URL is relative and signed
 * (nothing here renders: the browser asks /img for each image).
 */
import type { Hono } from 'hono';
import { TEMPLATES } from '../../../templates/index';
import type { StoredProduct } from '../../catalog/product';
import { CREATIVE_SIZES, DEFAULT_SIZE, isCreativeSize, type CreativeSizeName } from '../../creative/sizes';
import type { CreativeTemplate } from '../../creative/template';
import { chosenProductsCreativeUrl, productCreativeUrl, visitorCreativeUrl } from '../../creative/urls';
import { VISITOR_ID } from '../../signals/events';
import { uiCatalog, type UiEnv } from '../context';
import { catalogPath, Notice, Page } from '../layout';
import { CreativeImage, Pager, productPath } from './products';

const PAGE_SIZE = 12;
/** what /img/:catalog/:template/p/… draws at most */
const MAX_CHOSEN = 4;
/** images the browser loads at once; the rest wait until scrolled to */
const EAGER = 4;

/**
 * The signed, relative URL of chosen products drawn in a visitor template
 * (`/img/:catalog/:template/p/:id,:id.jpg`), signed over the path exactly as the browser sends it.
 */
export async function chosenProductsUrl(
  signingKey: string,
  catalog: string,
  template: string,
  ids: readonly string[],
  size: CreativeSizeName,
): Promise<string> {
  return chosenProductsCreativeUrl({ base: '', signingKey, catalog, template, size, format: 'jpg' }, ids);
}

interface Tile {
  url: string;
  caption: string;
  products: StoredProduct[];
}

export function creativePages(app: Hono<UiEnv>): void {
  app.get('/c/:catalog/creatives', async (c) => {
    const catalog = await uiCatalog(c);
    const deps = c.get('deps');
    const { store, settings } = deps;
    const templates: readonly CreativeTemplate[] = deps.templates ?? TEMPLATES;
    const asked = c.req.query('template');
    const template = templates.find((t) => t.name === asked) ?? templates[0];
    const sizeAsked = c.req.query('size') ?? DEFAULT_SIZE;
    const size: CreativeSizeName = isCreativeSize(sizeAsked) ? sizeAsked : DEFAULT_SIZE;
    const after = (c.req.query('after') ?? '').slice(0, 300);
    const visitor = (c.req.query('visitor') ?? '').trim();
    const idsText = (c.req.query('ids') ?? '').slice(0, 1000);
    const ids = [...new Set(idsText.split(',').map((s) => s.trim()).filter(Boolean))];

    const link = (over: Record<string, string | undefined>) => {
      const p = new URLSearchParams();
      const merged: Record<string, string | undefined> = { template: template?.name, size, ...over };
      for (const [k, v] of Object.entries(merged)) if (v) p.set(k, v);
      return catalogPath(catalog.slug, `/creatives?${p}`);
    };
    const sheet = `/admin/catalogs/${encodeURIComponent(catalog.slug)}/creatives?${new URLSearchParams({ template: template?.name ?? '', size })}`;

    if (!template || !deps.creative) {
      return c.html(
        <Page title="Creatives" csrf={c.get('csrf')} catalog={catalog} tab="creatives">
          <Notice kind="info">
            {!template ? 'This server has no creative templates.' : 'This server runs without a creative renderer, so it draws no creatives.'}
          </Notice>
        </Page>,
      );
    }

    const page = await store.searchProducts(catalog.id, { after: after || undefined, limit: PAGE_SIZE });
    const signingKey = settings.signingKey;
    const tiles: Tile[] = [];
    if (template.kind === 'product') {
      for (const product of page.items) {
        const url = await productCreativeUrl(
          { base: '', signingKey, catalog: catalog.slug, template: template.name, size, format: 'jpg' },
          product.id,
        );
        tiles.push({ url, caption: product.title, products: [product] });
      }
    } else {
      // the page's products in groups of one to four: every layout of the template
      let at = 0;
      for (let count = 1; at < page.items.length; count = (count % MAX_CHOSEN) + 1) {
        const group = page.items.slice(at, at + count);
        at += count;
        const url = await chosenProductsUrl(signingKey, catalog.slug, template.name, group.map((p) => p.id), size);
        tiles.push({ url, caption: `${group.length} product${group.length > 1 ? 's' : ''}`, products: group });
      }
    }

    const visitorValid = visitor !== '' && VISITOR_ID.test(visitor);
    const visitorUrl = visitorValid && template.kind === 'visitor'
      ? await visitorCreativeUrl({ base: '', signingKey, catalog: catalog.slug, template: template.name, size, format: 'jpg' }, visitor)
      : null;
    const chosen = ids.slice(0, MAX_CHOSEN);
    const chosenUrl = chosen.length && template.kind === 'visitor' ? await chosenProductsUrl(signingKey, catalog.slug, template.name, chosen, size) : null;
    const { width } = CREATIVE_SIZES[size];
    const tileMin = Math.min(260, width);

    return c.html(
      <Page title="Creatives" csrf={c.get('csrf')} catalog={catalog} tab="creatives">
        <nav aria-label="Templates" class="row">
          {templates.map((t) => (
            <a
              class={t.name === template.name ? 'button' : 'button secondary'}
              href={link({ template: t.name, visitor: visitor || undefined, ids: idsText || undefined })}
              aria-current={t.name === template.name ? 'page' : undefined}
            >
              {t.name} <span class="sr-only">({t.kind} template)</span>
            </a>
          ))}
        </nav>
        <nav aria-label="Sizes" class="row" style="margin-top:8px">
          {Object.keys(CREATIVE_SIZES).map((s) => (
            <a
              class={s === size ? 'button' : 'button secondary'}
              href={link({ size: s, after: after || undefined, visitor: visitor || undefined, ids: idsText || undefined })}
              aria-current={s === size ? 'true' : undefined}
            >
              {s}
            </a>
          ))}
        </nav>
        {asked && asked !== template.name ? <Notice kind="error">There is no template "{asked.slice(0, 60)}"; showing {template.name}.</Notice> : null}
        <h2>
          {template.name} <span class="badge">{template.kind === 'product' ? 'product template' : 'visitor template'}</span>
        </h2>
        <p>{template.description}</p>
        <p>
          <a href={sheet}>Open the full contact sheet</a> <span class="hint">(all products, page by page)</span>
        </p>

        {template.kind === 'visitor' ? (
          <div class="row" style="align-items:flex-start">
            <form method="get" action={catalogPath(catalog.slug, '/creatives')} class="card" style="flex:1 1 300px">
              <input type="hidden" name="template" value={template.name} />
              <input type="hidden" name="size" value={size} />
              <h3 style="margin-top:0">Preview for a visitor</h3>
              <label for="visitor">Visitor id</label>
              <input
                id="visitor"
                name="visitor"
                type="text"
                value={visitor}
                pattern="[A-Za-z0-9_\-]{8,64}"
                autocomplete="off"
                aria-describedby="visitor-hint"
                required
              />
              <p class="hint" id="visitor-hint">
                The pixel's visitor id (8–64 letters, digits, dashes or underscores): shows the image that visitor's ads would get.
              </p>
              <p>
                <button type="submit">Show</button>
              </p>
              {visitor && !visitorValid ? <Notice kind="error">That is not a visitor id: 8–64 letters, digits, dashes or underscores.</Notice> : null}
              {visitorUrl ? (
                <figure style="margin:0">
                  <CreativeImage url={visitorUrl} size={size} alt={`${template.name} creative for visitor ${visitor}`} maxWidth={360} />
                  <figcaption class="hint">
                    <a href={visitorUrl}>Visitor {visitor}</a>: personal, not cached publicly.
                  </figcaption>
                </figure>
              ) : null}
            </form>
            <form method="get" action={catalogPath(catalog.slug, '/creatives')} class="card" style="flex:1 1 300px">
              <input type="hidden" name="template" value={template.name} />
              <input type="hidden" name="size" value={size} />
              <h3 style="margin-top:0">Preview chosen products</h3>
              <label for="ids">Product ids</label>
              <input id="ids" name="ids" type="text" value={idsText} autocomplete="off" aria-describedby="ids-hint" required />
              <p class="hint" id="ids-hint">
                Up to {MAX_CHOSEN}, separated by commas, most relevant first.
              </p>
              <p>
                <button type="submit">Show</button>
              </p>
              {ids.length > MAX_CHOSEN ? <Notice kind="info">Only the first {MAX_CHOSEN} are drawn.</Notice> : null}
              {chosenUrl ? (
                <figure style="margin:0">
                  <CreativeImage url={chosenUrl} size={size} alt={`${template.name} creative of ${chosen.join(', ')}`} maxWidth={360} />
                  <figcaption class="hint">
                    <a href={chosenUrl}>{chosen.join(', ')}</a>
                  </figcaption>
                </figure>
              ) : null}
            </form>
          </div>
        ) : null}

        <h2>{template.kind === 'product' ? 'Products' : 'The products in groups of one to four'}</h2>
        {tiles.length === 0 ? (
          <Notice kind="info">{after ? 'No more products.' : 'No products yet: import a catalog on the Import tab.'}</Notice>
        ) : (
          <div class="grid" style={`grid-template-columns:repeat(auto-fill,minmax(${tileMin}px,1fr))`}>
            {tiles.map((t, i) => (
              <figure class="card" style="margin:0">
                <CreativeImage
                  url={t.url}
                  size={size}
                  alt={`${template.name} creative of ${t.products.map((p) => p.title).join(', ')}`}
                  lazy={i >= EAGER}
                />
                <figcaption style="overflow-wrap:anywhere">
                  {template.kind === 'product' ? (
                    <a href={productPath(catalog.slug, t.products[0]!.id)}>{t.caption}</a>
                  ) : (
                    <strong>{t.caption}</strong>
                  )}
                  <br />
                  <span class="hint">
                    {t.products.map((p, j) => (
                      <>
                        {j ? ', ' : ''}
                        <code>{p.id}</code>
                      </>
                    ))}
                  </span>
                </figcaption>
              </figure>
            ))}
          </div>
        )}
        <Pager first={after ? link({}) : null} next={page.next ? link({ after: page.next }) : null} />
      </Page>,
    );
  });
}
