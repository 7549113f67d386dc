/**
 * One error type and one JSON envelope for every failure the API reports:
 * `{ error: code, message, details? }` with the matching HTTP status, never a stack trace.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

export class AppError extends HTTPException {
  readonly code: string;
  readonly details: unknown;

  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
    super(status, { message });
    this.code = code;
    this.details = details;
  }

  body(): ErrorBody {
    return this.details === undefined
      ? { error: this.code, message: this.message }
      : { error: this.code, message: this.message, details: this.details };
  }
}

export const notFound = (what: string, details?: unknown) => new AppError(404, 'not_found', what, details);
export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);
