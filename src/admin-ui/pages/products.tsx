/**
 * The Products tab: search and page through the live catalog (`/admin/c/:catalog/products`), and
 * one product's page (`/admin/c/:catalog/products/:id`) with its attributes, price and
 * availability history, performance labels and its creatives in every product template.
 */
import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { TEMPLATES } from '../../../templates/index';
import type { Catalog } from '../../catalog/catalog';
import type { Money, StoredProduct } from '../../catalog/product';
import { formatMoney } from '../../creative/copy';
import { CREATIVE_SIZES, DEFAULT_SIZE, type CreativeSizeName } from '../../creative/sizes';
import { productCreativeUrl } from '../../creative/urls';
import type { AppDeps } from '../../deps';
import { LABELS } from '../../insights/labels';
import type { PricePoint, ProductPerformance, StockPoint, Store } from '../../store/port';
import { BarChart, LineChart } from '../charts';
import { uiCatalog, type UiContext, type UiEnv } from '../context';
import { catalogPath, Notice, Page } from '../layout';

const PAGE_SIZE = 50;

// ---------------------------------------------------------------------------------------------
// helpers shared by the catalog pages

/** Money in the catalog's locale; a currency Intl does not know is shown as `12.50 XYZ`. */
export function money(m: Money, locale: string): string {
  try {
    return formatMoney(m, locale);
  } catch {
    return `${(m.micros / 1_000_000).toFixed(2)} ${m.currency}`;
  }
}

/** A timestamp in the catalog's time zone and locale (UTC ISO when either is unknown). */
export function formatTime(iso: string, catalog: Pick<Catalog, 'locale' | 'timezone'>, style: 'date' | 'datetime' = 'datetime'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(catalog.locale, {
      dateStyle: 'medium',
      timeStyle: style === 'datetime' ? 'short' : undefined,
      timeZone: catalog.timezone,
    }).format(date);
  } catch {
    return style === 'date' ? date.toISOString().slice(0, 10) : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
}

/** Only http(s) URLs become links or image sources (never `javascript:`). */
export function httpUrl(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

export const productPath = (slug: string, id: string) => catalogPath(slug, `/products/${encodeURIComponent(id)}`);

const AVAILABILITY_TEXT: Record<string, string> = {
  in_stock: 'in stock',
  out_of_stock: 'out of stock',
  preorder: 'preorder',
  backorder: 'backorder',
};

export function Availability(props: { value: string }) {
  const kind = props.value === 'in_stock' ? 'ok' : props.value === 'out_of_stock' ? 'warn' : '';
  return <span class={`badge ${kind}`.trim()}>{AVAILABILITY_TEXT[props.value] ?? props.value}</span>;
}

function Price(props: { product: Pick<StoredProduct, 'price' | 'sale_price'>; locale: string }) {
  const { price, sale_price } = props.product;
  if (!sale_price) return <>{money(price, props.locale)}</>;
  return (
    <>
      {money(sale_price, props.locale)}{' '}
      <del>
        <span class="sr-only">was </span>
        {money(price, props.locale)}
      </del>
    </>
  );
}

/** A table that scrolls sideways on a phone instead of squeezing its columns (keyboard-scrollable). */
export function Scroll(props: { label: string; children?: unknown }) {
  return (
    <div role="region" aria-label={props.label} tabindex={0} style="overflow-x:auto">
      {props.children as never}
    </div>
  );
}

/** Keyset paging links: back to the first page once past it, and on while there is more. */
export function Pager(props: { first: string | null; next: string | null }) {
  return (
    <nav aria-label="Pages" class="row" style="margin-top:12px">
      {props.first ? (
        <a class="button secondary" href={props.first}>
          First page
        </a>
      ) : null}
      {props.next ? (
        <a class="button" href={props.next} rel="next">
          Next page
        </a>
      ) : null}
    </nav>
  );
}

// ---------------------------------------------------------------------------------------------
// performance of one product

/**
 * The smallest practical key below `id` in SQLite's (code point) order, so a keyset page after
 * it starts at `id`. Strings between the two would need characters above U+10FFFF: none exist.
 */
function keyBefore(id: string): string | null {
  const chars = [...id];
  const last = chars.pop()?.codePointAt(0);
  if (last === undefined) return null;
  if (last === 0) return chars.join('');
  let prev = last - 1;
  if (prev >= 0xd800 && prev <= 0xdfff) prev = 0xd7ff;
  return `${chars.join('')}${String.fromCodePoint(prev)}\u{10ffff}`;
}

/** The product's labels and counts from the catalog's current label set; null before the first refresh. */
export async function productPerformance(store: Store, catalog: Catalog, id: string): Promise<ProductPerformance | null> {
  const labelsVersion = catalog.labels_version ?? 0;
  if (!labelsVersion) return null;
  const rows = await store.pageFeedProducts(catalog.id, catalog.version, keyBefore(id), 3, labelsVersion);
  return rows.find((r) => r.id === id)?.performance ?? null;
}

const LABEL_TEXT: Record<string, string> = {
  bestseller: 'Bestseller: among the most bought in 30 days',
  trending: 'Trending: views this week well above its monthly average',
  price_drop: 'Price drop: its price went down in the last 30 days',
  low_stock: 'Low stock: 1 to 5 units left',
  no_views_30d: 'No views in 30 days',
};

// ---------------------------------------------------------------------------------------------
// the product's attributes

type Row = [string, unknown];

function attributeRows(p: StoredProduct, locale: string): Row[] {
  const rows: Row[] = [
    ['id', <code>{p.id}</code>],
    ['title', p.title],
    ['description', <span style="white-space:pre-wrap">{p.description}</span>],
    ['link', <Link url={p.link} />],
    ['image_link', p.image_link ? <Link url={p.image_link} /> : null],
    [
      'additional_image_link',
      p.additional_image_link.length ? (
        <ul>
          {p.additional_image_link.map((u) => (
            <li>
              <Link url={u} />
            </li>
          ))}
        </ul>
      ) : null,
    ],
    ['availability', <Availability value={p.availability} />],
    ['availability_date', p.availability_date],
    ['price', money(p.price, locale)],
    ['sale_price', p.sale_price ? money(p.sale_price, locale) : null],
    ['sale_price_effective_date', p.sale_price_effective_date],
    ['brand', p.brand],
    ['gtin', p.gtin],
    ['mpn', p.mpn],
    ['identifier_exists', p.identifier_exists === null ? null : p.identifier_exists ? 'yes' : 'no'],
    ['condition', p.condition],
    ['google_product_category', p.google_product_category],
    ['product_type', p.product_type],
    ['item_group_id', p.item_group_id],
    ['color', p.color],
    ['size', p.size],
    ['gender', p.gender],
    ['age_group', p.age_group],
    ['material', p.material],
    ['pattern', p.pattern],
    ['quantity', p.quantity === null ? null : String(p.quantity)],
    [
      'shipping',
      p.shipping.length ? (
        <ul>
          {p.shipping.map((s) => (
            <li>{`${[s.country, s.region, s.service].filter(Boolean).join(' · ')}: ${money(s.price, locale)}`}</li>
          ))}
        </ul>
      ) : null,
    ],
    ['custom_label_0', p.custom_label_0],
    ['custom_label_1', p.custom_label_1],
    ['custom_label_2', p.custom_label_2],
    ['custom_label_3', p.custom_label_3],
    ['custom_label_4', p.custom_label_4],
  ];
  for (const [k, v] of Object.entries(p.extra ?? {})) rows.push([`extra: ${k}`, v]);
  rows.push(['updated', p.updated_at], ['content hash', <code>{p.content_hash}</code>]);
  return rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
}

function Link(props: { url: string }) {
  const href = httpUrl(props.url);
  return href ? <a href={href}>{props.url}</a> : <>{props.url}</>;
}

// ---------------------------------------------------------------------------------------------
// histories

function PriceChart(props: { points: PricePoint[]; catalog: Catalog; title: string; now: Date }) {
  const { points, catalog } = props;
  const currency = points[points.length - 1]?.currency ?? catalog.currency;
  const fmtY = (y: number) => money({ micros: Math.round(y * 1_000_000), currency }, catalog.locale);
  const fmtX = (x: number) => formatTime(new Date(x).toISOString(), catalog, 'date');
  const price = points.map((p) => ({ x: Date.parse(p.observed_at), y: p.price_micros / 1_000_000 }));
  const hasSale = points.some((p) => p.sale_price_micros !== null);
  const sale = points.map((p) => ({ x: Date.parse(p.observed_at), y: p.sale_price_micros === null ? null : p.sale_price_micros / 1_000_000 }));
  const first = points[0];
  const last = points[points.length - 1];
  const description =
    first && last
      ? points.length === 1
        ? `One price point: ${fmtY(first.price_micros / 1e6)} since ${fmtX(price[0]!.x)}.`
        : `${points.length} price points from ${fmtX(price[0]!.x)} to ${fmtX(price[price.length - 1]!.x)}; first ${fmtY(first.price_micros / 1e6)}, now ${fmtY(last.price_micros / 1e6)}${last.sale_price_micros !== null ? `, on sale for ${fmtY(last.sale_price_micros / 1e6)}` : ''}.`
      : 'No price recorded yet.';
  return (
    <LineChart
      title={`Price history of ${props.title}`}
      description={description}
      series={hasSale ? [{ name: 'Price', points: price }, { name: 'Sale price', points: sale, dashed: true }] : [{ name: 'Price', points: price }]}
      curve="step"
      xMax={Math.max(props.now.getTime(), ...price.map((p) => p.x))}
      formatX={fmtX}
      formatY={fmtY}
      yLabel={`Price (${currency})`}
      empty="No price recorded yet"
    />
  );
}

/** Price and availability history share their first columns: since when, and from which catalog version. */
function HistoryTable<P extends { observed_at: string; version: number }>(props: {
  label: string;
  points: P[];
  catalog: Catalog;
  /** header cells of the columns after those two */
  headers: Child;
  cells: (point: P) => Child;
}) {
  return (
    <Scroll label={props.label}>
      <table>
        <thead>
          <tr>
            <th scope="col">Since</th>
            <th scope="col" class="num">
              Catalog version
            </th>
            {props.headers}
          </tr>
        </thead>
        <tbody>
          {props.points.map((p) => (
            <tr>
              <td>{formatTime(p.observed_at, props.catalog)}</td>
              <td class="num">{p.version}</td>
              {props.cells(p)}
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

function PriceTable(props: { points: PricePoint[]; catalog: Catalog }) {
  const { locale } = props.catalog;
  return (
    <HistoryTable
      label="Price history table"
      points={props.points}
      catalog={props.catalog}
      headers={
        <>
          <th scope="col" class="num">
            Price
          </th>
          <th scope="col" class="num">
            Sale price
          </th>
        </>
      }
      cells={(p) => (
        <>
          <td class="num">{money({ micros: p.price_micros, currency: p.currency }, locale)}</td>
          <td class="num">{p.sale_price_micros === null ? '—' : money({ micros: p.sale_price_micros, currency: p.currency }, locale)}</td>
        </>
      )}
    />
  );
}

function StockTable(props: { points: StockPoint[]; catalog: Catalog }) {
  if (props.points.length === 0) return <p class="hint">No availability recorded yet.</p>;
  return (
    <HistoryTable
      label="Availability history"
      points={[...props.points].reverse()}
      catalog={props.catalog}
      headers={<th scope="col">Availability</th>}
      cells={(p) => (
        <td>
          <Availability value={p.availability} />
        </td>
      )}
    />
  );
}

// ---------------------------------------------------------------------------------------------
// creatives

export interface ProductCreative {
  template: string;
  description: string;
  size: CreativeSizeName;
  url: string;
}

/** Signed, relative URLs of the product's creative in every product template, at each size asked. */
export async function productCreatives(
  deps: Pick<AppDeps, 'settings' | 'templates'>,
  catalog: Pick<Catalog, 'slug'>,
  productId: string,
  sizes: readonly CreativeSizeName[],
): Promise<ProductCreative[]> {
  const out: ProductCreative[] = [];
  for (const template of deps.templates ?? TEMPLATES) {
    if (template.kind !== 'product') continue;
    for (const size of sizes) {
      const url = await productCreativeUrl(
        { base: '', signingKey: deps.settings.signingKey, catalog: catalog.slug, template: template.name, size, format: 'jpg' },
        productId,
      );
      out.push({ template: template.name, description: template.description, size, url });
    }
  }
  return out;
}

/** `<img class="creative">` at its natural aspect ratio, scaled to its box. */
export function CreativeImage(props: { url: string; size: CreativeSizeName; alt: string; lazy?: boolean; maxWidth?: number }) {
  const { width, height } = CREATIVE_SIZES[props.size];
  return (
    <img
      class="creative"
      src={props.url}
      alt={props.alt}
      width={width}
      height={height}
      loading={props.lazy ? 'lazy' : undefined}
      decoding="async"
      style={`width:100%;max-width:${props.maxWidth ?? width}px;height:auto;aspect-ratio:${width}/${height};background:#f3f4f6;border-radius:6px;display:block`}
    />
  );
}

// ---------------------------------------------------------------------------------------------
// routes

function notFoundPage(c: UiContext, catalog: Catalog, what: string) {
  return c.html(
    <Page title="Not found" csrf={c.get('csrf')} catalog={catalog} tab="products">
      <Notice kind="error">{what}</Notice>
      <p>
        <a href={catalogPath(catalog.slug, '/products')}>Back to the products</a>
      </p>
    </Page>,
    404,
  );
}

export function productPages(app: Hono<UiEnv>): void {
  app.get('/c/:catalog/products', async (c) => {
    const catalog = await uiCatalog(c);
    const { store } = c.get('deps');
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const after = (c.req.query('after') ?? '').slice(0, 300);
    const [page, total] = await Promise.all([
      store.searchProducts(catalog.id, { q: q || undefined, after: after || undefined, limit: PAGE_SIZE }),
      store.countProducts(catalog.id, catalog.version),
    ]);
    const link = (over: { after?: string }) => {
      const p = new URLSearchParams();
      if (q) p.set('q', q);
      if (over.after) p.set('after', over.after);
      const s = p.toString();
      return catalogPath(catalog.slug, `/products${s ? `?${s}` : ''}`);
    };
    return c.html(
      <Page title="Products" csrf={c.get('csrf')} catalog={catalog} tab="products">
        <form method="get" action={catalogPath(catalog.slug, '/products')} role="search" class="row">
          <div style="flex:0 1 480px">
            <label for="q">Search products</label>
            <input id="q" name="q" type="search" value={q} maxlength={200} aria-describedby="q-hint" />
            <p class="hint" id="q-hint">
              Part of an id, title or brand, or an exact GTIN.
            </p>
          </div>
          <p>
            <button type="submit">Search</button>
          </p>
        </form>
        <p>
          {q ? (
            <>
              Products matching <strong>{q}</strong>
              {after ? ' (continued)' : ''} · <a href={catalogPath(catalog.slug, '/products')}>show all</a>
            </>
          ) : (
            `${total.toLocaleString('en')} product${total === 1 ? '' : 's'} in the live catalog (version ${catalog.version})${after ? ', continued' : ''}.`
          )}
        </p>
        {page.items.length === 0 ? (
          <Notice kind="info">
            {q ? 'No product matches that search.' : after ? 'No more products.' : 'No products yet: import a catalog on the Import tab.'}
          </Notice>
        ) : (
          <Scroll label="Products">
            <table style="min-width:640px">
              <thead>
                <tr>
                  <th scope="col" style="width:72px">
                    <span class="sr-only">Photo</span>
                  </th>
                  <th scope="col">ID</th>
                  <th scope="col">Title</th>
                  <th scope="col" class="num">
                    Price
                  </th>
                  <th scope="col">Availability</th>
                  <th scope="col">Brand</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((p) => {
                  const img = httpUrl(p.image_link);
                  return (
                    <tr>
                      <td>{img ? <img class="thumb" src={img} alt="" loading="lazy" width={56} height={56} /> : <span class="thumb" style="display:inline-block" />}</td>
                      <td style="white-space:nowrap">
                        <code>{p.id}</code>
                      </td>
                      <td>
                        <a href={productPath(catalog.slug, p.id)}>{p.title}</a>
                      </td>
                      <td class="num" style="white-space:nowrap">
                        <Price product={p} locale={catalog.locale} />
                      </td>
                      <td>
                        <Availability value={p.availability} />
                      </td>
                      <td>{p.brand ?? ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Scroll>
        )}
        <Pager first={after ? link({}) : null} next={page.next ? link({ after: page.next }) : null} />
      </Page>,
    );
  });

  app.get('/c/:catalog/products/:id', async (c) => {
    const catalog = await uiCatalog(c);
    const deps = c.get('deps');
    const { store, insights } = deps;
    const id = c.req.param('id');
    const product = await store.getProduct(catalog.id, id);
    if (!product) return notFoundPage(c, catalog, `There is no live product "${id.slice(0, 100)}" in this catalog.`);
    const [prices, stock, labelSet, performance] = await Promise.all([
      store.priceHistory(catalog.id, id),
      store.availabilityHistory(catalog.id, id),
      insights.labelSet(catalog.id),
      productPerformance(store, catalog, id),
    ]);
    const creatives = deps.creative ? await productCreatives(deps, catalog, id, [DEFAULT_SIZE, '300x250']) : [];
    const visitorTemplates = (deps.templates ?? TEMPLATES).filter((t) => t.kind === 'visitor');
    const img = httpUrl(product.image_link);

    return c.html(
      <Page title={product.title} csrf={c.get('csrf')} catalog={catalog} tab="products">
        <p>
          <a href={catalogPath(catalog.slug, '/products')}>← All products</a>
        </p>
        <div class="row" style="align-items:flex-start">
          {img ? <img src={img} alt={`Photo of ${product.title}`} style="width:160px;height:160px;object-fit:contain;background:#f3f4f6;border-radius:6px" /> : null}
          <div>
            <p style="font-size:20px;margin:0">
              <Price product={product} locale={catalog.locale} />
            </p>
            <p>
              <Availability value={product.availability} /> {product.brand ? <span>{product.brand}</span> : null}
            </p>
            <p>
              <code>{product.id}</code>
            </p>
          </div>
        </div>

        <h2 id="attributes">Attributes</h2>
        <Scroll label="Attributes">
          <table>
            <tbody>
              {attributeRows(product, catalog.locale).map(([name, value]) => (
                <tr>
                  <th scope="row" style="width:30%;max-width:14em">
                    {name}
                  </th>
                  <td>{value as never}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>

        <h2 id="prices">Price history</h2>
        <div class="card">
          <PriceChart points={prices} catalog={catalog} title={product.title} now={deps.clock()} />
          {prices.length ? (
            <details>
              <summary>Price history as a table</summary>
              <PriceTable points={prices} catalog={catalog} />
            </details>
          ) : null}
        </div>

        <h2 id="availability">Availability history</h2>
        <StockTable points={stock} catalog={catalog} />

        <h2 id="performance">Performance</h2>
        {labelSet.labels_version === 0 ? (
          <Notice kind="info">
            Performance labels have not been computed for this catalog yet (they come from the pixel's events; refresh them with{' '}
            <code>{`POST /admin/catalogs/${catalog.slug}/labels/refresh`}</code>).
          </Notice>
        ) : !performance ? (
          <Notice kind="info">
            This product was not in the last label refresh
            {labelSet.refreshed_at ? ` (${formatTime(labelSet.refreshed_at, catalog)})` : ''}: it is newer than the labels.
          </Notice>
        ) : (
          <div class="card">
            <p>
              {performance.labels.length ? (
                LABELS.filter((l) => performance.labels.includes(l)).map((l) => (
                  <>
                    <span class="badge ok" title={LABEL_TEXT[l]}>
                      {l}
                    </span>{' '}
                  </>
                ))
              ) : (
                <span class="hint">No labels.</span>
              )}
            </p>
            {labelSet.refreshed_at ? <p class="hint">From the label refresh of {formatTime(labelSet.refreshed_at, catalog)}.</p> : null}
            <Scroll label="Activity counts">
              <table style="max-width:480px">
                <thead>
                  <tr>
                    <th scope="col">Events</th>
                    <th scope="col" class="num">
                      7 days
                    </th>
                    <th scope="col" class="num">
                      30 days
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {(
                    [
                      ['Views', performance.views_7d, performance.views_30d],
                      ['Add to cart', performance.carts_7d, performance.carts_30d],
                      ['Purchases', performance.purchases_7d, performance.purchases_30d],
                    ] as const
                  ).map(([name, d7, d30]) => (
                    <tr>
                      <th scope="row">{name}</th>
                      <td class="num">{d7}</td>
                      <td class="num">{d30}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
            <BarChart
              title={`Activity of ${product.title} in 30 days`}
              description={`${performance.views_30d} views, ${performance.carts_30d} add-to-carts and ${performance.purchases_30d} purchases in 30 days.`}
              bars={[
                { label: 'Views', value: performance.views_30d },
                { label: 'Add to cart', value: performance.carts_30d, color: '#047857' },
                { label: 'Purchases', value: performance.purchases_30d, color: '#7c3aed' },
              ]}
              width={420}
              height={200}
            />
          </div>
        )}

        <h2 id="creatives">Creatives</h2>
        {!deps.creative ? (
          <Notice kind="info">This server runs without a creative renderer, so it draws no creatives.</Notice>
        ) : (
          <>
            <div class="grid">
              {creatives
                .filter((cr) => cr.size === DEFAULT_SIZE)
                .map((cr, i) => {
                  const small = creatives.find((s) => s.template === cr.template && s.size === '300x250');
                  return (
                    <figure class="card" style="margin:0">
                      <CreativeImage url={cr.url} size={cr.size} alt={`${cr.template} creative of ${product.title}, ${cr.size}`} lazy={i > 0} maxWidth={360} />
                      <figcaption>
                        <strong>{cr.template}</strong> <span class="hint">{cr.description}</span>
                        <br />
                        <a href={cr.url}>{cr.size}</a>
                        {small ? (
                          <>
                            {' · '}
                            <a href={small.url}>300x250</a>
                          </>
                        ) : null}
                      </figcaption>
                      {small ? (
                        <div style="margin-top:8px">
                          <CreativeImage url={small.url} size="300x250" alt={`${cr.template} creative of ${product.title}, 300x250`} lazy maxWidth={300} />
                        </div>
                      ) : null}
                    </figure>
                  );
                })}
            </div>
            {visitorTemplates.length ? (
              <p>
                In visitor templates:{' '}
                {visitorTemplates.map((t, i) => (
                  <>
                    {i ? ' · ' : ''}
                    <a href={catalogPath(catalog.slug, `/creatives?${new URLSearchParams({ template: t.name, ids: product.id })}`)}>{t.name}</a>
                  </>
                ))}
              </p>
            ) : null}
          </>
        )}
      </Page>,
    );
  });
}
