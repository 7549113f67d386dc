/**
 * Admin routes take `Authorization: Bearer <ADMIN_TOKEN>` (scripts, CI, agencies' tools) or the
 * admin UI's session cookie (src/admin-ui/session.ts), which for state-changing requests must
 * come with the session's CSRF token. The token comparison hashes both sides first (hono's
 * timingSafeEqual), so the time taken says nothing about how much of a guess matched.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { timingSafeEqual } from 'hono/utils/buffer';
import { csrfProblem, sessionOf } from '../admin-ui/session';
import type { AppEnv } from '../deps';
import { AppError } from '../errors';

export function adminAuth(options: { token: () => string }): MiddlewareHandler<AppEnv> {
  return async function adminAuth(c: Context<AppEnv>, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      const session = await sessionOf(c);
      if (session) {
        const problem = await csrfProblem(c, session);
        if (problem) throw new AppError(403, 'csrf', problem);
        await next();
        return;
      }
      c.header('WWW-Authenticate', 'Bearer realm="adfeed admin"');
      throw new AppError(401, 'unauthorized', 'admin routes need an Authorization: Bearer <ADMIN_TOKEN> header');
    }
    if (!(await timingSafeEqual(match[1], options.token()))) {
      c.header('WWW-Authenticate', 'Bearer realm="adfeed admin", error="invalid_token"');
      throw new AppError(401, 'unauthorized', 'the admin token is not valid');
    }
    await next();
  };
}
