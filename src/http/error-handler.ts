import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../errors';

/** Every error leaves as the JSON envelope; unexpected ones are logged, never echoed. */
export const errorHandler: ErrorHandler = (err, c) => {
  if (err instanceof AppError) {
    return c.json(err.body(), err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : 'http_error';
    return c.json({ error: code, message: err.message || 'request refused' }, status);
  }
  console.error('unhandled error', c.req.method, c.req.path, err);
  return c.json({ error: 'internal', message: 'internal error; the server log has the details' }, 500);
};

export const notFoundHandler: NotFoundHandler = (c) =>
  c.json({ error: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }, 404);
