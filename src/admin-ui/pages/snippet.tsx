/**
 * Pixel snippet tab: the tags to paste on the shop's pages with this catalog's settings filled
 * in (the loader of `GET /t.js?c=<catalog>`, src/signals/snippet.ts, and the calls its `adfeed()`
 * takes), with copy buttons, plus what the catalog's consent mode, allowed origins and Global
 * Privacy Control mean for it, and the `/px.gif` form for e-mails and pages without script.
 *
 *   GET /c/:catalog/snippet
 */
import type { Hono } from 'hono';
import type { Catalog } from '../../catalog/catalog';
import { uiCatalog, type UiEnv } from '../context';
import { catalogPath, Notice, Page } from '../layout';
import { SIGNAL_STYLES } from '../signal-charts';

/** The tags for every page: the queue stub (calls made before the script loads wait in it) and the loader. */
export function loaderTags(publicUrl: string, slug: string): string {
  return [
    `<script>window.adfeed=window.adfeed||function(){(adfeed.q=adfeed.q||[]).push(arguments)}</script>`,
    `<script async src="${publicUrl}/t.js?c=${encodeURIComponent(slug)}"></script>`,
  ].join('\n');
}

/** Example calls, one per event the snippet knows (the names of its `adfeed()` API). */
export function eventCalls(catalog: Pick<Catalog, 'currency' | 'consent_mode'>): string {
  const cur = JSON.stringify(catalog.currency).replace(/"/g, "'");
  const consentNote =
    catalog.consent_mode === 'opt-in'
      ? 'nothing is stored or sent before this (opt-in)'
      : "opt-out: sent unless the visitor refuses with adfeed('consent', false)";
  return [
    '<script>',
    `  // From your consent banner; ${consentNote}.`,
    `  // true allows both purposes; or { analytics: true, ads: false }; false refuses and discards.`,
    `  adfeed('consent', true);`,
    '',
    `  // Product page: the id is the feed's product id (the one in your catalog, not a variant id it lacks).`,
    `  adfeed('view', { id: 'SKU-123' });`,
    `  // Category or list page.`,
    `  adfeed('list', { category: 'Apparel > Shirts' });`,
    `  // Cart changes.`,
    `  adfeed('cart', { id: 'SKU-123', quantity: 1, price: 49.95 });`,
    `  adfeed('uncart', { id: 'SKU-123' });`,
    `  // Checkout started, and the order confirmation page.`,
    `  adfeed('checkout', { items: [{ id: 'SKU-123', quantity: 1, price: 49.95 }], value: 49.95, currency: ${cur} });`,
    `  adfeed('purchase', { order_id: 'A-1001', items: [{ id: 'SKU-123', quantity: 1, price: 49.95 }], value: 49.95, currency: ${cur} });`,
    `  // Site search.`,
    `  adfeed('search', 'merino sweater');`,
    `  // Signed-in or newsletter visitor: hashed (SHA-256) in the browser; the address never leaves it.`,
    `  adfeed('identify', { email: 'customer@example.com' });`,
    `  // "Delete my data" link: erases this visitor on the server and stops tracking.`,
    `  adfeed('forget');`,
    '</script>',
  ].join('\n');
}

/** A tracking pixel for e-mails and no-script pages: one event per image request. */
export function pixelTag(publicUrl: string, slug: string): string {
  const q = [
    `c=${encodeURIComponent(slug)}`,
    'e=view_item',
    'id=SKU-123',
    'vid=VISITOR_ID',
    'eid=UNIQUE_EVENT_ID',
    'consent=1',
  ].join('&amp;');
  return `<img src="${publicUrl}/px.gif?${q}" width="1" height="1" alt="">`;
}

function CopyField(props: { id: string; label: string; value: string; hint?: string }) {
  const rows = Math.min(24, props.value.split('\n').length + 1);
  return (
    <div class="card">
      <label for={props.id}>{props.label}</label>
      <textarea id={props.id} class="code" readonly rows={rows} spellcheck={false} aria-describedby={props.hint ? `${props.id}-hint` : undefined}>
        {props.value}
      </textarea>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <p>
        <button type="button" class="secondary" data-copy={props.value} aria-controls={props.id}>
          Copy
        </button>
      </p>
    </div>
  );
}

export function snippetPages(app: Hono<UiEnv>): void {
  app.get('/c/:catalog/snippet', async (c) => {
    const catalog = await uiCatalog(c);
    const publicUrl = c.get('deps').settings.publicUrl;
    const slug = catalog.slug;
    const origins = catalog.allowed_origins;
    let shopOrigin: string | null = null;
    try {
      shopOrigin = new URL(catalog.link).origin;
    } catch {
      shopOrigin = null;
    }
    const shopMissing = shopOrigin !== null && origins.length > 0 && !origins.includes(shopOrigin);
    const settings = catalogPath(slug);
    const optIn = catalog.consent_mode === 'opt-in';
    return c.html(
      <Page title="Pixel snippet" csrf={c.get('csrf')} catalog={catalog} tab="snippet" scripts={['copy.js']}>
        <style>{SIGNAL_STYLES}</style>
        {origins.length === 0 ? (
          <Notice kind="error">
            <strong>No allowed origins.</strong> The server refuses events from browser pages whose origin is not listed (CORS):
            nothing the snippet sends is kept until you add the shop's origin
            {shopOrigin ? (
              <>
                {' '}
                (<code>{shopOrigin}</code>)
              </>
            ) : null}{' '}
            in the <a href={settings}>Settings</a> tab.
          </Notice>
        ) : null}
        <p>
          Paste these on every page of the shop, in the <code>&lt;head&gt;</code> or before <code>&lt;/body&gt;</code>, then call{' '}
          <code>adfeed(…)</code> where things happen. Events show up in the <a href={catalogPath(slug, '/signals')}>Signals</a>{' '}
          tab within seconds.
        </p>

        <h2>1. On every page</h2>
        <CopyField
          id="snippet-loader"
          label="Loader"
          value={loaderTags(publicUrl, slug)}
          hint={`The first line lets calls made before the script has loaded wait for it. The script is served from ${publicUrl}/t.js with this catalog (${slug}) and its consent mode built in.`}
        />

        <h2>2. Events</h2>
        <CopyField
          id="snippet-events"
          label="Calls (keep the ones the page needs)"
          value={eventCalls(catalog)}
          hint="Each call queues one event; they are sent in batches a moment later and when the page is hidden. Server-to-server sending to /collect also accepts GA4 and Meta event names (ViewContent, AddToCart, Purchase, Search)."
        />

        <h2>How this catalog treats events</h2>
        <div class="grid">
          <section class="card" aria-labelledby="note-consent">
            <h3 id="note-consent" style="margin-top:0">
              Consent mode: <span class="badge">{catalog.consent_mode}</span>
            </h3>
            {optIn ? (
              <p>
                Nothing is stored on the device and nothing is sent until the visitor agrees and the page calls{' '}
                <code>adfeed('consent', true)</code>. Events before that wait in memory (at most 100);{' '}
                <code>adfeed('consent', false)</code> discards them. Events that reach the server without consent are counted as
                dropped, never stored.
              </p>
            ) : (
              <p>
                Events are sent unless the visitor refused (<code>adfeed('consent', false)</code>) or their browser sends Global
                Privacy Control. Ad personalisation (audience exports) still needs an explicit{' '}
                <code>adfeed('consent', true)</code> or <code>{"{ ads: true }"}</code>.
              </p>
            )}
            <p class="hint">
              Change it in the <a href={settings}>Settings</a> tab.
            </p>
          </section>

          <section class="card" aria-labelledby="note-origins">
            <h3 id="note-origins" style="margin-top:0">
              Allowed origins
            </h3>
            {origins.length ? (
              <>
                <ul>
                  {origins.map((o) => (
                    <li>
                      <code>{o}</code>
                    </li>
                  ))}
                </ul>
                {shopMissing ? (
                  <p>
                    <span class="badge warn">Check</span> The shop's own origin <code>{shopOrigin}</code> is not in the list.
                  </p>
                ) : null}
              </>
            ) : (
              <p>
                <span class="badge warn">None</span> Browser requests from any page are refused (403) until the shop's origin is
                listed.
              </p>
            )}
            <p class="hint">
              Exact origins: scheme, host and port, e.g. <code>https://shop.example.com</code>; <code>www.</code> is a different
              origin. Edit them in the <a href={settings}>Settings</a> tab.
            </p>
          </section>

          <section class="card" aria-labelledby="note-gpc">
            <h3 id="note-gpc" style="margin-top:0">
              Global Privacy Control
            </h3>
            <p>
              A browser with GPC on (<code>Sec-GPC: 1</code>) always withdraws ad personalisation: those visitors never appear in
              audience exports, even when a banner said yes.
              {optIn
                ? ' In opt-in mode their events are otherwise kept when they consented.'
                : ' In opt-out mode GPC without an explicit choice counts as a refusal: the snippet sends nothing and the server drops such events.'}
            </p>
          </section>

          <section class="card" aria-labelledby="note-retention">
            <h3 id="note-retention" style="margin-top:0">
              Retention and erasure
            </h3>
            <p>
              Events older than {catalog.retention_days} days are deleted. <code>adfeed('forget')</code> lets a visitor erase
              themself; you can erase one by visitor id or e-mail address in the <a href={catalogPath(slug, '/signals')}>Signals</a> tab. E-mail addresses
              are only ever kept as SHA-256 hashes.
            </p>
          </section>
        </div>

        <h2>E-mails and pages without script: /px.gif</h2>
        <CopyField
          id="snippet-pixel"
          label="Image tag"
          value={pixelTag(publicUrl, slug)}
          hint="One event per image request, answered with a transparent 1×1 GIF whatever happens (the outcome is in the X-Adfeed-Result header)."
        />
        <ul>
          <li>
            <code>e</code>: the event type (<code>view_item</code>, <code>add_to_cart</code>, <code>purchase</code>,{' '}
            <code>search</code>, <code>identify</code>…); <code>id</code>: product id(s), repeated or comma-separated;{' '}
            <code>q</code>: search text; <code>order_id</code>, <code>value</code>, <code>currency</code> for purchases.
          </li>
          <li>
            <code>vid</code> (required): 8-64 characters of A-Z a-z 0-9 _ -, the same for one recipient across mails, e.g. a
            hash of the subscriber id your mail tool knows. <code>eid</code> (required): unique per mail and event; a repeated
            one is stored once, so opening a mail twice counts once.
          </li>
          <li>
            <code>consent=1</code> only for recipients who agreed to tracking
            {optIn ? ' (this catalog is opt-in: without it the event is dropped)' : ''}.{' '}
            <code>em</code>: the SHA-256 hex of the trimmed, lower-cased address, to add the recipient to audience exports.
          </li>
          <li>Mail clients send no Origin header, so allowed origins do not apply to the pixel.</li>
        </ul>
      </Page>,
    );
  });
}
