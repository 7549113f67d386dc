/**
 * The admin web UI at /admin: sign-in, the catalog list, and each catalog's pages (one module
 * per tab, registered below). Pages are server-rendered; the few interactive parts (upload with
 * progress, copy buttons) are small scripts under /admin/assets. The JSON admin API under
 * /admin/catalogs stays as it is and also accepts this UI's session cookie (with CSRF token).
 */
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { timingSafeEqual } from 'hono/utils/buffer';
import { catalogDefaults, catalogSettingsSchema, SLUG } from '../catalog/settings-schema';
import { AppError } from '../errors';
import { tokenBuckets } from '../signals/rate-limit';
import { ASSETS } from './assets';
import { readForm, requireSession, text, uiHeaders, type UiEnv } from './context';
import { catalogPath, Notice, Page } from './layout';
import { registerCatalogPages } from './pages';
import { foreignOrigin, newSession, SESSION_COOKIE, SESSION_HOURS } from './session';
import { clientIpOf } from '../signals/http';

/** Only paths inside the admin UI are followed after sign-in (no open redirect). */
function safeNext(next: string | undefined): string {
  return next && /^\/admin(?:\/[^/\\]|$)/.test(next) && !next.startsWith('//') ? next : '/admin';
}

export function adminUiRoutes() {
  const app = new Hono<UiEnv>();
  // Mounted at /admin beside the JSON API (/admin/catalogs/…): middleware is scoped to the UI's
  // own paths, or it would run for API calls too.
  const UI_PATHS = ['/', '/login', '/logout', '/catalogs-new', '/c/*', '/assets/*'];
  const SESSION_PATHS = ['/', '/logout', '/catalogs-new', '/c/*'];
  for (const path of UI_PATHS) app.use(path, uiHeaders());
  for (const path of SESSION_PATHS) app.use(path, requireSession());
  // 5 attempts, then one every 2 s per address: enough for typos, useless for guessing
  const signInLimit = tokenBuckets({ perSecond: 0.5, burst: 5 });

  app.get('/assets/:file', (c) => {
    const body = ASSETS[c.req.param('file')];
    if (!body) throw new AppError(404, 'not_found', 'no such asset');
    return c.body(body, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
  });

  app.get('/login', async (c) => {
    const next = safeNext(c.req.query('next'));
    const failed = c.req.query('failed') === '1';
    return c.html(
      <Page title="Sign in" csrf="">
        {failed ? <Notice kind="error">That admin token is not valid.</Notice> : null}
        <form method="post" action="/admin/login" class="card">
          <input type="hidden" name="next" value={next} />
          <label for="token">Admin token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required />
          <p class="hint">The ADMIN_TOKEN this server was started with (the demo prints it).</p>
          <button type="submit">Sign in</button>
        </form>
      </Page>,
    );
  });

  app.post('/login', async (c) => {
    const { settings, clock } = c.get('deps');
    const now = clock();
    const wait = signInLimit.take(clientIpOf(c as never), now.getTime());
    if (wait > 0) throw new AppError(429, 'rate_limited', `too many sign-in attempts; wait ${wait} s`);
    // Sign-in has no session yet, so no CSRF token: a cross-site post is refused by Origin instead.
    if (foreignOrigin(c as never)) throw new AppError(403, 'csrf', 'cross-origin sign-in refused');
    const form = (await c.req.parseBody()) as Record<string, string>;
    const next = safeNext(form.next);
    if (!(await timingSafeEqual(String(form.token ?? ''), settings.adminToken))) {
      return c.redirect(`/admin/login?failed=1&next=${encodeURIComponent(next)}`, 303);
    }
    setCookie(c, SESSION_COOKIE, await newSession(settings, now), {
      httpOnly: true,
      sameSite: 'Strict',
      secure: settings.publicUrl.startsWith('https:'),
      path: '/',
      maxAge: SESSION_HOURS * 3600,
    });
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    await readForm(c);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/admin/login', 303);
  });

  app.get('/', async (c) => {
    const catalogs = await c.get('deps').store.listCatalogs();
    const error = c.req.query('error');
    return c.html(
      <Page title="Catalogs" csrf={c.get('csrf')}>
        {error ? <Notice kind="error">{error}</Notice> : null}
        {catalogs.length ? (
          <table>
            <thead>
              <tr>
                <th>Catalog</th>
                <th>Slug</th>
                <th>Currency</th>
                <th>Locale</th>
                <th class="num">Version</th>
              </tr>
            </thead>
            <tbody>
              {catalogs.map((cat) => (
                <tr>
                  <td>
                    <a href={catalogPath(cat.slug)}>{cat.title}</a>
                  </td>
                  <td>
                    <code>{cat.slug}</code>
                  </td>
                  <td>{cat.currency}</td>
                  <td>{cat.locale}</td>
                  <td class="num">{cat.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Notice kind="info">No catalogs yet: create the first one below.</Notice>
        )}
        <h2>New catalog</h2>
        <form method="post" action="/admin/catalogs-new" class="card">
          <input type="hidden" name="_csrf" value={c.get('csrf')} />
          <label for="slug">Slug</label>
          <input id="slug" name="slug" type="text" required pattern="[a-z0-9][a-z0-9\-]{0,62}" aria-describedby="slug-hint" />
          <p class="hint" id="slug-hint">
            Lower-case letters, digits and dashes; it appears in feed URLs.
          </p>
          <label for="title">Shop name</label>
          <input id="title" name="title" type="text" required maxlength={150} />
          <label for="link">Shop URL</label>
          <input id="link" name="link" type="url" required placeholder="https://shop.example.com" />
          <div class="row">
            <div>
              <label for="currency">Currency</label>
              <input id="currency" name="currency" type="text" value={catalogDefaults.currency} maxlength={3} />
            </div>
            <div>
              <label for="locale">Locale</label>
              <input id="locale" name="locale" type="text" value={catalogDefaults.locale} />
            </div>
          </div>
          <p>
            <button type="submit">Create catalog</button>
          </p>
        </form>
      </Page>,
    );
  });

  app.post('/catalogs-new', async (c) => {
    const form = await readForm(c);
    const slug = text(form, 'slug');
    if (!SLUG.test(slug)) return c.redirect(`/admin?error=${encodeURIComponent('The slug must be lower-case letters, digits and dashes.')}`, 303);
    const { store, clock } = c.get('deps');
    if (await store.getCatalog(slug)) return c.redirect(`/admin?error=${encodeURIComponent(`A catalog "${slug}" exists already.`)}`, 303);
    const parsed = catalogSettingsSchema.safeParse({
      ...catalogDefaults,
      title: text(form, 'title'),
      link: text(form, 'link'),
      currency: text(form, 'currency') || catalogDefaults.currency,
      locale: text(form, 'locale') || catalogDefaults.locale,
    });
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return c.redirect(`/admin?error=${encodeURIComponent(why)}`, 303);
    }
    await store.putCatalog(slug, parsed.data, clock().toISOString());
    return c.redirect(catalogPath(slug), 303);
  });

  registerCatalogPages(app);
  return app;
}

