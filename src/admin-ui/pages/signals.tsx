/**
 * Signals tab: what the shop's pages sent in the last N days (the same figures as
 * `GET /admin/catalogs/:catalog/stats`), and erasure on request, by visitor id or by e-mail.
 *
 *   GET  /c/:catalog/signals?days=30
 *   POST /c/:catalog/signals/erase      visitor or email, _csrf → back to the page with a notice
 *
 * The notice travels in the redirect's query as counts only: never the address, nor its hash
 * (a URL ends up in history and logs).
 */
import type { Hono } from 'hono';
import { AppError } from '../../errors';
import { VISITOR_ID } from '../../signals/events';
import { signalStats, type SignalStatsReport } from '../../signals/admin-routes';
import { eraseByEmail, eraseVisitor } from '../../signals/erasure';
import { readForm, text, uiCatalog, type UiEnv } from '../context';
import { catalogPath, Notice, Page } from '../layout';
import { bucketEvents, EventsChart, fmt, FunnelChart, pct, seriesOf, SIGNAL_STYLES, TopProductsChart } from '../signal-charts';
import { EMAIL_MAX } from '../../signals/email';

const DAY_CHOICES = [7, 30, 90, 365];
const TOP = 10;

function parseDays(raw: string | undefined): { days: number; bad: boolean } {
  if (raw === undefined || raw === '') return { days: 30, bad: false };
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 3650 ? { days: n, bad: false } : { days: 30, bad: true };
}

/** The erase form's outcome, carried in the redirect's query (never free text). */
function EraseNotice(props: { q: Record<string, string> }) {
  const { q } = props;
  if (q.erase === 'invalid') {
    return <Notice kind="error">That is not a visitor id: they are 8-64 characters of A-Z a-z 0-9 _ and -.</Notice>;
  }
  if (q.erase === 'invalid-email') return <Notice kind="error">That is not an e-mail address.</Notice>;
  if (q.erase === 'one') return <Notice kind="error">Give a visitor id or an e-mail address, not both.</Notice>;
  if (q.erase === 'none') return <Notice kind="error">Give a visitor id or an e-mail address to erase.</Notice>;
  if (q.erased_by === 'email') {
    const events = Number(q.events) || 0;
    const visitors = Number(q.visitors) || 0;
    return visitors || events ? (
      <Notice kind="ok">
        {fmt(visitors)} {visitors === 1 ? 'visitor' : 'visitors'} with that e-mail address {visitors === 1 ? 'was' : 'were'} erased:{' '}
        {fmt(events)} {events === 1 ? 'event' : 'events'} and the visitor {visitors === 1 ? 'record are' : 'records are'} gone.
      </Notice>
    ) : (
      <Notice kind="info">No visitor is known by that e-mail address: nothing to erase.</Notice>
    );
  }
  if (q.erased && VISITOR_ID.test(q.erased)) {
    const events = Number(q.events) || 0;
    const visitors = Number(q.visitors) || 0;
    return visitors || events ? (
      <Notice kind="ok">
        Visitor <code>{q.erased}</code> was erased: {fmt(events)} {events === 1 ? 'event' : 'events'} and the visitor record are
        gone.
      </Notice>
    ) : (
      <Notice kind="info">
        No data was kept for visitor <code>{q.erased}</code>: nothing to erase.
      </Notice>
    );
  }
  return null;
}

function StatsView(props: { slug: string; stats: SignalStatsReport; now: Date }) {
  const { slug, stats } = props;
  const { buckets, size } = bucketEvents(stats.events_per_day, new Date(stats.since), props.now);
  const total = stats.events_per_day.reduce((sum, r) => sum + r.count, 0);
  const rec = stats.reconciliation;
  return (
    <>
      <section aria-labelledby="per-day">
        <h2 id="per-day">Events per {size}</h2>
        <p class="hint">
          {fmt(total)} events stored since {stats.since.slice(0, 10)}.
        </p>
        <EventsChart buckets={buckets} size={size} title={`Events per ${size} by type, last ${stats.days} days`} />
      </section>

      <section aria-labelledby="funnel">
        <h2 id="funnel">View → cart → purchase</h2>
        <p class="hint">Distinct visitors who viewed a product; of those, who added one to the cart; of those, who bought.</p>
        <div class="grid figures" role="list" aria-label="Funnel figures">
          <div class="card" role="listitem">
            <p class="hint">Viewed</p>
            <p class="stat" data-funnel="viewed">
              {fmt(stats.funnel.viewed)}
            </p>
          </div>
          <div class="card" role="listitem">
            <p class="hint">Added to cart</p>
            <p class="stat" data-funnel="carted">
              {fmt(stats.funnel.carted)}
            </p>
          </div>
          <div class="card" role="listitem">
            <p class="hint">Bought</p>
            <p class="stat" data-funnel="purchased">
              {fmt(stats.funnel.purchased)}
            </p>
          </div>
        </div>
        <FunnelChart funnel={stats.funnel} />
      </section>

      <section aria-labelledby="top">
        <h2 id="top">Most viewed products</h2>
        {stats.top_viewed.length ? (
          <>
            <TopProductsChart products={stats.top_viewed} />
            <table>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col" class="num">
                    Views
                  </th>
                  <th scope="col" class="num">
                    Visitors
                  </th>
                </tr>
              </thead>
              <tbody>
                {stats.top_viewed.map((p) => (
                  <tr>
                    <td>
                      {p.title ? (
                        <a href={catalogPath(slug, `/products/${encodeURIComponent(p.id)}`)}>{p.title}</a>
                      ) : (
                        <span class="badge warn">not in the catalog</span>
                      )}{' '}
                      <code>{p.id}</code>
                    </td>
                    <td class="num">{fmt(p.views)}</td>
                    <td class="num">{fmt(p.visitors)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p>No product views in this period.</p>
        )}
      </section>

      <section aria-labelledby="ids">
        <h2 id="ids">Product id reconciliation</h2>
        <p class="hint">
          How many of the product ids the shop's pages send exist in the live catalog. Dynamic ads can only match a view to a
          product whose id is in the feed: a low share usually means the pages send variant ids where the feed has parent ids
          (or SKUs where it has database ids).
        </p>
        {rec.ids_seen ? (
          <>
            <p>
              <strong>{rec.id_share === null ? '–' : pct(rec.id_share)}</strong> of distinct ids matched ({fmt(rec.ids_known)} of{' '}
              {fmt(rec.ids_seen)});{' '}
              <strong>{rec.reference_share === null ? '–' : pct(rec.reference_share)}</strong> of product references in events (
              {fmt(rec.references_known)} of {fmt(rec.references)}).{' '}
              {rec.id_share !== null && rec.id_share < 0.9 ? <span class="badge warn">check the ids</span> : <span class="badge ok">good</span>}
            </p>
            {rec.unknown.length ? (
              <table>
                <caption class="sr-only">Product ids not in the catalog</caption>
                <thead>
                  <tr>
                    <th scope="col">Unknown id (examples)</th>
                    <th scope="col" class="num">
                      Seen
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rec.unknown.map((u) => (
                    <tr>
                      <td>
                        <code>{u.id}</code>
                      </td>
                      <td class="num">{fmt(u.seen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p>Every id events named is in the catalog.</p>
            )}
          </>
        ) : (
          <p>No event named a product yet.</p>
        )}
      </section>
    </>
  );
}

function ConsentDrops(props: { drops: SignalStatsReport['consent_drops']; mode: string }) {
  const byType = new Map<string, number>();
  for (const d of props.drops) byType.set(d.type, (byType.get(d.type) ?? 0) + d.count);
  const total = [...byType.values()].reduce((a, b) => a + b, 0);
  return (
    <section aria-labelledby="drops">
      <h2 id="drops">Dropped for consent</h2>
      <p class="hint">
        Events that arrived without the consent this catalog's <code>{props.mode}</code> mode needs: counted, never stored.
      </p>
      {total ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Event type</th>
              <th scope="col" class="num">
                Dropped
              </th>
            </tr>
          </thead>
          <tbody>
            {[...byType].map(([type, n]) => (
              <tr>
                <td>
                  {seriesOf(type).label} <code>{type}</code>
                </td>
                <td class="num">{fmt(n)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">Total</th>
              <td class="num">
                <strong>{fmt(total)}</strong>
              </td>
            </tr>
          </tbody>
        </table>
      ) : (
        <p>None in this period.</p>
      )}
    </section>
  );
}

export function signalsPages(app: Hono<UiEnv>): void {
  app.get('/c/:catalog/signals', async (c) => {
    const catalog = await uiCatalog(c);
    const deps = c.get('deps');
    const q = c.req.query();
    const { days, bad } = parseDays(q.days);
    const stats = await signalStats(deps, catalog, days, TOP);
    const empty = stats.events_per_day.length === 0;
    const choices = DAY_CHOICES.includes(days) ? DAY_CHOICES : [...DAY_CHOICES, days].sort((a, b) => a - b);
    return c.html(
      <Page title="Signals" csrf={c.get('csrf')} catalog={catalog} tab="signals">
        <style>{SIGNAL_STYLES}</style>
        <EraseNotice q={q} />
        {bad ? <Notice kind="error">The period is 1 to 3650 days; showing the last 30 days.</Notice> : null}
        <form method="get" action={catalogPath(catalog.slug, '/signals')} class="row">
          <div>
            <label for="days">Period</label>
            <select id="days" name="days">
              {choices.map((d) => (
                <option value={String(d)} selected={d === days}>
                  Last {d} days
                </option>
              ))}
            </select>
          </div>
          <div>
            <button type="submit" class="secondary">
              Show
            </button>
          </div>
        </form>
        {empty ? (
          <Notice kind="info">
            No events in the last {days} days{stats.consent_drops.length ? ' (only events dropped for consent, below)' : ''}. Put the{' '}
            <a href={catalogPath(catalog.slug, '/snippet')}>Pixel snippet</a> on the shop's pages; views, carts and purchases show up
            here within seconds.
          </Notice>
        ) : (
          <StatsView slug={catalog.slug} stats={stats} now={deps.clock()} />
        )}
        <ConsentDrops drops={stats.consent_drops} mode={catalog.consent_mode} />

        <section aria-labelledby="erase">
          <h2 id="erase">Erase a visitor</h2>
          <form method="post" action={catalogPath(catalog.slug, '/signals/erase')} class="card">
            <input type="hidden" name="_csrf" value={c.get('csrf')} />
            <p class="hint">
              When a shopper asks the shop to delete their data. Deletes every event and the visitor record at once; this cannot be
              undone. Visitors can also do it themselves where the shop calls <code>adfeed('forget')</code>.
            </p>
            <label for="visitor">Visitor id</label>
            <input
              id="visitor"
              name="visitor"
              type="text"
              minlength={8}
              maxlength={64}
              pattern="[A-Za-z0-9_\-]{8,64}"
              autocomplete="off"
              spellcheck={false}
              aria-describedby="visitor-hint"
            />
            <p class="hint" id="visitor-hint">
              The id is <code>adfeed_vid</code> in their browser's local storage (or cookie).
            </p>
            <label for="email">or their e-mail address</label>
            <input
              id="email"
              name="email"
              type="email"
              maxlength={EMAIL_MAX}
              autocomplete="off"
              spellcheck={false}
              aria-describedby="email-hint"
            />
            <p class="hint" id="email-hint">
              Erases every visitor the shop's pages identified with this address, on any browser. The address is hashed (SHA-256)
              as it arrives, the way the pixel hashes it; it is neither stored nor logged.
            </p>
            <p>
              <button type="submit" class="danger">
                Erase this visitor's data
              </button>
            </p>
          </form>
        </section>
      </Page>,
    );
  });

  app.post('/c/:catalog/signals/erase', async (c) => {
    const catalog = await uiCatalog(c);
    const form = await readForm(c);
    const visitor = text(form, 'visitor');
    const email = text(form, 'email');
    const back = catalogPath(catalog.slug, '/signals');
    if (visitor && email) return c.redirect(`${back}?erase=one`, 303);
    if (email) {
      try {
        const { erased } = await eraseByEmail(c.get('deps'), catalog, { email });
        const params = new URLSearchParams({ erased_by: 'email', events: String(erased.events), visitors: String(erased.visitors) });
        return c.redirect(`${back}?${params}`, 303);
      } catch (err) {
        if (err instanceof AppError && err.code === 'invalid_erasure') return c.redirect(`${back}?erase=invalid-email`, 303);
        throw err;
      }
    }
    if (!visitor) return c.redirect(`${back}?erase=none`, 303);
    if (!VISITOR_ID.test(visitor)) return c.redirect(`${back}?erase=invalid`, 303);
    const erased = await eraseVisitor(c.get('deps'), catalog, visitor);
    const params = new URLSearchParams({ erased: visitor, events: String(erased.events), visitors: String(erased.visitors) });
    return c.redirect(`${back}?${params}`, 303);
  });
}
