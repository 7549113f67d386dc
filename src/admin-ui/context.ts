/**
 * What every admin UI handler shares: the Hono env with the session and its CSRF token, the
 * session guard, form reading with the CSRF check, and the catalog lookup.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Catalog } from '../catalog/catalog';
import { SLUG } from '../catalog/settings-schema';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { csrfProblem, csrfToken, sessionOf } from './session';

export type UiEnv = { Variables: { deps: AppDeps; session: string; csrf: string } };
export type UiContext = Context<UiEnv>;

/** Scripts only from /admin/assets, images from anywhere https (product photos), no framing. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function uiHeaders(): MiddlewareHandler<UiEnv> {
  return async function uiHeaders(c, next) {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
  };
}

/** Pages need a session: without one, GETs go to the sign-in page, anything else is refused. */
export function requireSession(): MiddlewareHandler<UiEnv> {
  return async function requireSession(c, next) {
    const session = await sessionOf(c as never);
    if (!session) {
      if (c.req.method === 'GET') {
        const url = new URL(c.req.url);
        return c.redirect(`/admin/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      }
      throw new AppError(401, 'unauthorized', 'sign in first');
    }
    c.set('session', session);
    c.set('csrf', await csrfToken(c.get('deps').settings, session));
    await next();
  };
}

/** A submitted form, after its CSRF token (and Origin) checked out; 403 otherwise. */
export async function readForm(c: UiContext): Promise<Record<string, string | File>> {
  const form = (await c.req.parseBody({ all: false })) as Record<string, string | File>;
  const token = typeof form._csrf === 'string' ? form._csrf : undefined;
  const problem = await csrfProblem(c as never, c.get('session'), token);
  if (problem) throw new AppError(403, 'csrf', problem);
  return form;
}

export const text = (form: Record<string, string | File>, key: string): string => {
  const v = form[key];
  return typeof v === 'string' ? v.trim() : '';
};

export async function uiCatalog(c: UiContext): Promise<Catalog> {
  const slug = c.req.param('catalog') ?? '';
  const catalog = SLUG.test(slug) ? await c.get('deps').store.getCatalog(slug) : null;
  if (!catalog) throw new AppError(404, 'not_found', `no catalog "${slug.slice(0, 64)}"`);
  return catalog;
}
