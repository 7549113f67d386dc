/**
 * Admin routes take `Authorization: Bearer <ADMIN_TOKEN>`. The comparison hashes both sides
 * first (hono's timingSafeEqual), so the time taken says nothing about how much of a guess matched.
 */
import type { MiddlewareHandler } from 'hono';
import { timingSafeEqual } from 'hono/utils/buffer';
import { AppError } from '../errors';

export function adminAuth(options: { token: () => string }): MiddlewareHandler {
  return async function adminAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
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
