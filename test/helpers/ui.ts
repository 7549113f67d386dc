/**
 * Driving the admin UI in process like a browser: sign in through the login form, then read pages
 * with the session cookie and post forms with the page's CSRF token.
 */
import { expect } from 'vitest';
import { ADMIN_TOKEN, type TestApp } from './app';

export interface UiSession {
  /** `adfeed_session=…`, for requests built by hand */
  cookie: string;
  csrf: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** the page's HTML, after checking its status and that it is HTML */
  html(path: string, status?: number): Promise<string>;
  /** a urlencoded form post with the session's CSRF token; `withCsrf = false` sends only `fields` */
  postForm(path: string, fields: Record<string, string>, withCsrf?: boolean): Promise<Response>;
}

export async function signIn(app: TestApp['app']): Promise<UiSession> {
  const res = await app.request('/admin/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: ADMIN_TOKEN, next: '/admin' }),
  });
  expect(res.status).toBe(303);
  const set = res.headers.get('set-cookie') ?? '';
  const m = /adfeed_session=([^;]+)/.exec(set);
  expect(m, set).toBeTruthy();
  const cookie = `adfeed_session=${m![1]}`;

  const get = async (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { cookie, ...headers } });
  const html = async (path: string, status = 200) => {
    const page = await get(path);
    const body = await page.text();
    expect(page.status, `${path}: ${body.slice(0, 300)}`).toBe(status);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    return body;
  };
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await html('/admin'))?.[1] ?? '';
  expect(csrf).not.toBe('');

  const postForm = async (path: string, fields: Record<string, string>, withCsrf = true) =>
    app.request(path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(withCsrf ? { _csrf: csrf, ...fields } : fields),
    });

  return { cookie, csrf, get, html, postForm };
}
