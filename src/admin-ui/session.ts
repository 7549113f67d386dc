/**
 * Admin UI sessions without server state: the cookie is `<expiry>.<nonce>.<mac>`, an HMAC under
 * a key derived from ADMIN_TOKEN and SIGNING_KEY, so rotating the admin token signs everyone out.
 * The cookie is HttpOnly (scripts cannot read it), SameSite=Strict (other sites' requests do not
 * carry it) and Secure when the public URL is https.
 *
 * CSRF: every state-changing request made with the cookie must also carry a token derived from
 * that session (hidden `_csrf` field in forms, `X-CSRF-Token` header from scripts), and a
 * browser-sent Origin must be ours. SameSite=Strict alone would stop most cross-site posts; the
 * token also covers same-site attackers (a compromised subdomain) and old browsers.
 */
import { timingSafeEqual } from 'hono/utils/buffer';
import { getCookie } from 'hono/cookie';
import type { Context } from 'hono';
import type { AppEnv } from '../deps';
import { base64Url, hmacSha256, randomToken } from '../util/crypto';

export const SESSION_COOKIE = 'adfeed_session';
export const SESSION_HOURS = 12;

async function mac(secret: string, purpose: string, text: string): Promise<string> {
  return base64Url(await hmacSha256(secret, `${purpose}\n${text}`));
}

type Keys = { adminToken: string; signingKey: string };
const secretOf = (k: Keys) => `${k.adminToken}\n${k.signingKey}`;

export async function newSession(k: Keys, now: Date): Promise<string> {
  const body = `${now.getTime() + SESSION_HOURS * 3_600_000}.${randomToken(12)}`;
  return `${body}.${await mac(secretOf(k), 'session', body)}`;
}

/** The session value when the cookie is genuine and not expired, else null. */
export async function validSession(k: Keys, value: string | undefined, now: Date): Promise<string | null> {
  if (!value) return null;
  const parts = value.split('.');
  if (parts.length !== 3) return null;
  const [expiry, nonce, given] = parts as [string, string, string];
  if (!/^\d+$/.test(expiry) || Number(expiry) <= now.getTime()) return null;
  const expected = await mac(secretOf(k), 'session', `${expiry}.${nonce}`);
  return (await timingSafeEqual(given, expected)) ? value : null;
}

export function csrfToken(k: Keys, session: string): Promise<string> {
  return mac(secretOf(k), 'csrf', session);
}

export async function sessionOf(c: Context<AppEnv>): Promise<string | null> {
  const { settings, clock } = c.get('deps');
  return validSession(settings, getCookie(c, SESSION_COOKIE), clock());
}

/** The Origin a browser sent when it is neither this server's nor PUBLIC_URL's, else null. */
export function foreignOrigin(c: Context<AppEnv>): string | null {
  const origin = c.req.header('origin');
  return origin && origin !== new URL(c.req.url).origin && origin !== c.get('deps').settings.publicUrl ? origin : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * For a cookie-authenticated request: safe methods pass; others need the session's CSRF token
 * (header or form field) and, when the browser sent one, our own Origin.
 */
export async function csrfProblem(c: Context<AppEnv>, session: string, formToken?: string): Promise<string | null> {
  if (SAFE_METHODS.has(c.req.method)) return null;
  const origin = foreignOrigin(c);
  if (origin) return `cross-origin request from ${origin.slice(0, 100)} refused`;
  const given = c.req.header('x-csrf-token') ?? formToken;
  if (!given) return 'the CSRF token is missing: reload the page and try again';
  const expected = await csrfToken(c.get('deps').settings, session);
  return (await timingSafeEqual(given, expected)) ? null : 'the CSRF token is not valid: reload the page and try again';
}
