/**
 * The Feeds tab: each feed's URL (copy / open), protection (issue a token, shown once, or make
 * the feed public), how many items it would emit and why others are left out (a diagnostics run
 * over the live catalog, computed per request), and who fetched it last. `/feeds/:feed` shows one
 * feed's full diagnostics. The actions reuse the JSON API's logic (src/feeds/admin-routes.ts).
 */
import type { Hono } from 'hono';
import type { Catalog } from '../../catalog/catalog';
import type { AppDeps } from '../../deps';
import {
  describeFeed,
  issueFeedToken,
  removeFeedToken,
  runFeedDiagnostics,
  type FeedListing,
  type IssuedFeedToken,
} from '../../feeds/admin-routes';
import { getChannel } from '../../feeds/channels';
import type { FeedDefinition } from '../../feeds/definition';
import type { FeedDiagnostics } from '../../feeds/diagnostics';
import type { FeedFetch } from '../../store/port';
import { readForm, uiCatalog, type UiContext, type UiEnv } from '../context';
import { catalogPath, Notice, Page } from '../layout';
import { formatTime, productPath, Scroll } from './products';

/**
 * Above this many live products the list page does not run every feed's diagnostics (each is a
 * full pass over the catalog); each feed's own page still does.
 */
export const LIST_DIAGNOSTICS_MAX_PRODUCTS = 20_000;
const LIST_FETCHES = 5;
const PAGE_FETCHES = 20;
const LEFT_OUT_ITEMS = 100;

/** Ad platforms' fetchers by user agent, most specific first. */
const FETCHERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Google-Shopping|Googlebot|Storebot-Google|AdsBot-Google|Google-Merchant|GoogleOther|Feedfetcher-Google|Google-Ads|\bGoogle\b/i, 'Google'],
  [/facebookexternalhit|facebookcatalog|Facebot|meta-external|\bMeta\b|Instagram/i, 'Meta'],
  [/TikTok|Bytespider|ByteDance/i, 'TikTok'],
  [/Pinterest/i, 'Pinterest'],
  [/bingbot|BingPreview|msnbot|adidxbot|Microsoft/i, 'Microsoft'],
  [/Snapchat|Snap URL Preview/i, 'Snapchat'],
  [/Criteo/i, 'Criteo'],
  [/^curl\//i, 'curl'],
  [/^Wget\//i, 'Wget'],
  [/^Mozilla\/5\.0 .*(Firefox|Chrome|Safari)\//, 'A web browser'],
];

/** "Google", "Meta", … for a known fetcher's user agent; null when unknown. */
export function fetcherName(userAgent: string): string | null {
  for (const [pattern, name] of FETCHERS) if (pattern.test(userAgent)) return name;
  return null;
}

const STATUS_TEXT: Record<number, string> = { 200: 'sent', 304: 'not modified', 401: 'refused (token)', 403: 'refused' };

function definitionOf(deps: AppDeps, name: string): FeedDefinition | undefined {
  return deps.feeds.find((d) => d.name === name);
}

const feedAnchor = (name: string) => `feed-${name}`;

// ---------------------------------------------------------------------------------------------
// components

function UrlField(props: { id: string; label: string; value: string; open?: boolean }) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <div class="row" style="align-items:center">
        <input id={props.id} type="text" readonly value={props.value} style="flex:1 1 320px;max-width:640px" />
        <button type="button" class="secondary" data-copy={props.value} aria-controls={props.id}>
          Copy
        </button>
        {props.open ? (
          <a class="feed-url" href={props.value}>
            Open<span class="sr-only"> {props.value}</span>
          </a>
        ) : null}
      </div>
    </>
  );
}

function Protection(props: { feed: FeedListing }) {
  const f = props.feed;
  if (f.protected) return <span class="badge ok">token-protected</span>;
  if (f.requires_token) return <span class="badge warn">needs a token: fetches are refused until one is issued</span>;
  return <span class="badge">public</span>;
}

function ProtectionForms(props: { feed: FeedListing; catalog: Catalog; csrf: string }) {
  const { feed, catalog, csrf } = props;
  const base = catalogPath(catalog.slug, `/feeds/${feed.name}`);
  return (
    <div class="row">
      <form method="post" action={`${base}/protect`}>
        <input type="hidden" name="_csrf" value={csrf} />
        <button type="submit">{feed.protected ? 'Issue a new token' : 'Protect with a token'}</button>
      </form>
      {feed.protected ? (
        <form method="post" action={`${base}/public`}>
          <input type="hidden" name="_csrf" value={csrf} />
          <button type="submit" class="secondary">
            {feed.requires_token ? 'Revoke the token' : 'Make public'}
          </button>
        </form>
      ) : null}
    </div>
  );
}

function Fetches(props: { fetches: FeedFetch[]; catalog: Catalog; label: string }) {
  if (props.fetches.length === 0) return <p class="hint">Not fetched yet.</p>;
  return (
    <Scroll label={props.label}>
      <table>
        <thead>
          <tr>
            <th scope="col">Fetched by</th>
            <th scope="col">When</th>
            <th scope="col" style="white-space:nowrap">Answer</th>
          </tr>
        </thead>
        <tbody>
          {props.fetches.map((f) => {
            const name = fetcherName(f.user_agent);
            return (
              <tr>
                <td>
                  <span class="fetcher">{name ?? (f.user_agent ? 'Other' : 'Unknown')}</span>
                  {f.user_agent ? (
                    <>
                      <br />
                      <code class="hint">{f.user_agent}</code>
                    </>
                  ) : (
                    <span class="hint"> (no user agent)</span>
                  )}
                </td>
                <td>{formatTime(f.fetched_at, props.catalog)}</td>
                <td style="white-space:nowrap">
                  {f.status}
                  {STATUS_TEXT[f.status] ? (
                    <>
                      <br />
                      <span class="hint">{STATUS_TEXT[f.status]}</span>
                    </>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Scroll>
  );
}

function Examples(props: { catalog: Catalog; examples: Array<{ id: string; message?: string }> }) {
  return (
    <ul style="margin:0;padding-left:18px">
      {props.examples.map((e) => (
        <li>
          <a href={productPath(props.catalog.slug, e.id)}>{e.id}</a>
          {e.message ? <span>: {e.message}</span> : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * One diagnostics breakdown (left out by reason, filtered by clause, adjusted by warning): a
 * heading and a table of how many products each key covers, with example ids; nothing when empty.
 */
function CountsByCode(props: {
  title: string;
  /** the scroll region's accessible name */
  label: string;
  /** header of the first column: what the key is (reason, filter, warning) */
  keyHeader: string;
  catalog: Catalog;
  rows: Array<{ key: string; count: number; examples: Array<{ id: string; message?: string }> }>;
}) {
  if (props.rows.length === 0) return null;
  return (
    <>
      <h3>{props.title}</h3>
      <Scroll label={props.label}>
        <table>
          <thead>
            <tr>
              <th scope="col">{props.keyHeader}</th>
              <th scope="col" class="num">
                Products
              </th>
              <th scope="col">Examples</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>
                  <code>{r.key}</code>
                </td>
                <td class="num">{r.count}</td>
                <td>
                  <Examples catalog={props.catalog} examples={r.examples} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </>
  );
}

/** Counts, then what was left out and why, what filters removed, and what was adjusted. */
export function DiagnosticsView(props: {
  diagnostics: FeedDiagnostics;
  catalog: Catalog;
  feed: string;
  /** list the left-out products one by one (the first 100) */
  items?: boolean;
  /** show feed_warnings (default); off where the page shows the definition's warnings already */
  feedWarnings?: boolean;
}) {
  const d = props.diagnostics;
  const { catalog } = props;
  return (
    <div class="diagnostics">
      {(props.feedWarnings === false ? [] : d.feed_warnings).map((w) => (
        <Notice kind="info">
          <code>{w.code}</code>: {w.message}
        </Notice>
      ))}
      <p>
        <strong>{d.emitted.toLocaleString('en')}</strong> of {d.products_read.toLocaleString('en')} products emitted
        {d.left_out ? `; ${d.left_out.toLocaleString('en')} left out` : ''}
        {d.filtered_out ? `; ${d.filtered_out.toLocaleString('en')} filtered out by the definition` : ''}
        {d.emitted_with_warnings ? `; ${d.emitted_with_warnings.toLocaleString('en')} emitted with adjusted values` : ''}.
      </p>
      <CountsByCode
        title="Left out, by reason"
        label={`${props.feed}: left out by reason`}
        keyHeader="Reason"
        catalog={catalog}
        rows={d.left_out_by_reason.map((r) => ({ key: r.code, count: r.count, examples: r.examples }))}
      />
      <CountsByCode
        title="Filtered out (intended), by filter"
        label={`${props.feed}: filtered out by clause`}
        keyHeader="Filter"
        catalog={catalog}
        rows={d.filtered_by_clause.map((cl) => ({ key: cl.clause, count: cl.count, examples: cl.example_ids.map((id) => ({ id })) }))}
      />
      <CountsByCode
        title="Emitted with adjusted values, by warning"
        label={`${props.feed}: warnings by code`}
        keyHeader="Warning"
        catalog={catalog}
        rows={d.warnings_by_code.map((w) => ({ key: w.code, count: w.count, examples: w.examples }))}
      />
      {props.items && d.left_out_items.length ? (
        <>
          <h3>Left-out products</h3>
          <Scroll label={`${props.feed}: left-out products`}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Reasons</th>
                </tr>
              </thead>
              <tbody>
                {d.left_out_items.slice(0, LEFT_OUT_ITEMS).map((item) => (
                  <tr>
                    <td>
                      <a href={productPath(catalog.slug, item.id)}>{item.id}</a>
                    </td>
                    <td>
                      <ul style="margin:0;padding-left:18px">
                        {item.reasons.map((r) => (
                          <li>
                            <code>{r.code}</code>: {r.message}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          {d.left_out > LEFT_OUT_ITEMS ? (
            <p class="hint">
              The first {LEFT_OUT_ITEMS} of {d.left_out.toLocaleString('en')}; the JSON API (
              <code>{`GET /admin/catalogs/${catalog.slug}/feeds/${props.feed}/diagnostics`}</code>) lists up to 1,000.
            </p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

/** One feed: URL, protection, item count, diagnostics summary, recent fetches. */
function FeedCard(props: {
  feed: FeedListing;
  catalog: Catalog;
  csrf: string;
  diagnostics: FeedDiagnostics | null;
  fetches: FeedFetch[];
  /** on the feed's own page: full diagnostics inline instead of a summary */
  full?: boolean;
}) {
  const { feed, catalog, diagnostics: d } = props;
  const detail = catalogPath(catalog.slug, `/feeds/${feed.name}`);
  const h3 = 'font-size:15px;margin:8px 0 4px';
  return (
    <section class="card" id={feedAnchor(feed.name)} aria-labelledby={props.full ? undefined : `${feedAnchor(feed.name)}-title`}>
      <div class="row" style="align-items:baseline">
        {props.full ? null : (
          <h2 id={`${feedAnchor(feed.name)}-title`} style="margin:0">
            <a href={detail}>{feed.name}</a>
          </h2>
        )}
        <span class="badge">{getChannel(feed.channel).label}</span>
        <span class="badge">{feed.format}</span>
        {feed.image ? (
          <span class="badge">
            image: {feed.image.template} {feed.image.size}
          </span>
        ) : null}
      </div>
      <UrlField id={`url-${feed.name}`} label="Feed URL" value={feed.url} open />
      {[...feed.warnings, ...(d?.feed_warnings ?? []).filter((w) => !feed.warnings.some((f) => f.code === w.code))].map((w) => (
        <Notice kind="info">
          <code>{w.code}</code>: {w.message}
        </Notice>
      ))}
      <div class="row" style="align-items:flex-start;margin-top:8px;gap:20px">
        <div style="flex:1 1 240px">
          <h3 style={h3}>Protection</h3>
          <p style="margin:4px 0">
            <Protection feed={feed} />
          </p>
          <ProtectionForms feed={feed} catalog={catalog} csrf={props.csrf} />
          <p class="hint">
            {feed.protected
              ? 'A new token stops the old one working: update the URL wherever the feed is set up.'
              : 'A token is sent by ad platforms as ?token= or as the Basic auth password.'}
          </p>
        </div>
        <div style="flex:1 1 200px">
          <h3 style={h3}>Items</h3>
          {d ? (
            <p style="margin:4px 0">
              <strong class="item-count">{d.emitted.toLocaleString('en')}</strong> item{d.emitted === 1 ? '' : 's'} of{' '}
              {d.products_read.toLocaleString('en')} products
              {d.left_out ? `; ${d.left_out.toLocaleString('en')} left out` : ''}
              {d.filtered_out ? `; ${d.filtered_out.toLocaleString('en')} filtered out` : ''}.
            </p>
          ) : (
            <p style="margin:4px 0">
              This catalog is large, so items are counted on <a href={detail}>the feed's own page</a>.
            </p>
          )}
          {d && !props.full ? (
            <p style="margin:4px 0">
              <a href={detail}>Diagnostics for {feed.name}</a>
            </p>
          ) : null}
        </div>
        <div style="flex:2 1 340px;min-width:0">
          <h3 style={h3}>Last fetched by</h3>
          <Fetches fetches={props.fetches} catalog={catalog} label={`${feed.name}: recent fetches`} />
        </div>
      </div>
      {d && props.full ? (
        <>
          <h2>Diagnostics</h2>
          <DiagnosticsView diagnostics={d} catalog={catalog} feed={feed.name} items feedWarnings={false} />
        </>
      ) : d && (d.left_out || d.filtered_out || d.emitted_with_warnings) ? (
        <details>
          <summary>Why products are left out or adjusted</summary>
          <DiagnosticsView diagnostics={d} catalog={catalog} feed={feed.name} feedWarnings={false} />
        </details>
      ) : null}
    </section>
  );
}

function unknownFeed(c: UiContext, catalog: Catalog, name: string) {
  return c.html(
    <Page title="Not found" csrf={c.get('csrf')} catalog={catalog} tab="feeds">
      <Notice kind="error">There is no feed "{name.slice(0, 64)}" on this server.</Notice>
      <p>
        <a href={catalogPath(catalog.slug, '/feeds')}>Back to the feeds</a>
      </p>
    </Page>,
    404,
  );
}

function TokenIssued(props: { issued: IssuedFeedToken; catalog: Catalog }) {
  const { issued } = props;
  return (
    <>
      <Notice kind="ok">
        Feed <strong>{issued.feed}</strong> is now token-protected. Copy the token now: it is shown only this once (only its hash is
        stored).
      </Notice>
      <div class="card">
        <UrlField id="token-url" label="Feed URL with the token" value={issued.url_with_token} />
        <UrlField id="token" label="Token" value={issued.token} />
        <p class="hint">
          Or use HTTP Basic auth: user <code>{issued.basic_auth.user}</code>, password: the token.
        </p>
      </div>
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// routes

export function feedPages(app: Hono<UiEnv>): void {
  app.get('/c/:catalog/feeds', async (c) => {
    const catalog = await uiCatalog(c);
    const deps = c.get('deps');
    const size = await deps.store.countProducts(catalog.id, catalog.version);
    const countAll = size <= LIST_DIAGNOSTICS_MAX_PRODUCTS;
    // one feed after another: each diagnostics run is a pass over the catalog
    const cards: Array<{ feed: FeedListing; diagnostics: FeedDiagnostics | null; fetches: FeedFetch[] }> = [];
    for (const d of deps.feeds) {
      const [feed, fetches] = await Promise.all([describeFeed(deps, catalog, d), deps.store.recentFeedFetches(catalog.id, d.name, LIST_FETCHES)]);
      cards.push({ feed, fetches, diagnostics: countAll ? await runFeedDiagnostics(deps, catalog, d) : null });
    }
    const madePublic = c.req.query('public');
    const publicFeed = madePublic ? definitionOf(deps, madePublic) : undefined;
    return c.html(
      <Page title="Feeds" csrf={c.get('csrf')} catalog={catalog} tab="feeds" scripts={['copy.js']}>
        {publicFeed ? (
          <Notice kind="ok">
            {publicFeed.protected
              ? `The token of feed "${publicFeed.name}" was revoked: its definition requires one, so fetches are refused until a new token is issued.`
              : `Feed "${publicFeed.name}" is public again: its URL works without a token.`}
          </Notice>
        ) : null}
        {cards.length === 0 ? <Notice kind="info">This server has no feed definitions (see feeds/ in the project).</Notice> : null}
        <nav aria-label="Feeds" class="row">
          {cards.map(({ feed }) => (
            <a href={`#${feedAnchor(feed.name)}`}>{feed.name}</a>
          ))}
        </nav>
        {cards.map((card) => (
          <FeedCard feed={card.feed} catalog={catalog} csrf={c.get('csrf')} diagnostics={card.diagnostics} fetches={card.fetches} />
        ))}
      </Page>,
    );
  });

  app.get('/c/:catalog/feeds/:feed', async (c) => {
    const catalog = await uiCatalog(c);
    const deps = c.get('deps');
    const definition = definitionOf(deps, c.req.param('feed'));
    if (!definition) return unknownFeed(c, catalog, c.req.param('feed'));
    const [feed, fetches, diagnostics] = await Promise.all([
      describeFeed(deps, catalog, definition),
      deps.store.recentFeedFetches(catalog.id, definition.name, PAGE_FETCHES),
      runFeedDiagnostics(deps, catalog, definition),
    ]);
    return c.html(
      <Page title={`Feed ${definition.name}`} csrf={c.get('csrf')} catalog={catalog} tab="feeds" scripts={['copy.js']}>
        <p>
          <a href={catalogPath(catalog.slug, '/feeds')}>← All feeds</a>
        </p>
        <FeedCard feed={feed} catalog={catalog} csrf={c.get('csrf')} diagnostics={diagnostics} fetches={fetches} full />
      </Page>,
    );
  });

  app.post('/c/:catalog/feeds/:feed/protect', async (c) => {
    await readForm(c);
    const catalog = await uiCatalog(c);
    const deps = c.get('deps');
    const definition = definitionOf(deps, c.req.param('feed'));
    if (!definition) return unknownFeed(c, catalog, c.req.param('feed'));
    const issued = await issueFeedToken(deps, catalog, definition);
    return c.html(
      <Page title={`Token for ${definition.name}`} csrf={c.get('csrf')} catalog={catalog} tab="feeds" scripts={['copy.js']}>
        <TokenIssued issued={issued} catalog={catalog} />
        <p>
          <a href={`${catalogPath(catalog.slug, '/feeds')}#${feedAnchor(definition.name)}`}>Back to the feeds</a>
        </p>
      </Page>,
    );
  });

  app.post('/c/:catalog/feeds/:feed/public', async (c) => {
    await readForm(c);
    const catalog = await uiCatalog(c);
    const deps = c.get('deps');
    const definition = definitionOf(deps, c.req.param('feed'));
    if (!definition) return unknownFeed(c, catalog, c.req.param('feed'));
    await removeFeedToken(deps, catalog, definition);
    return c.redirect(`${catalogPath(catalog.slug, '/feeds')}?public=${encodeURIComponent(definition.name)}#${feedAnchor(definition.name)}`, 303);
  });
}
