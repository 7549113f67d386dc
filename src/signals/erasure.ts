/**
 * Erasure on a data subject's request made to the shop, by visitor id or by e-mail address.
 * A shopper asking by e-mail does not know their visitor id; the shop knows their address. Every
 * visitor of the catalog whose stored hash matches is erased (one person on several browsers).
 *
 * The address is hashed on arrival exactly as the pixel hashes it (SHA-256 of the trimmed,
 * lower-cased address, src/signals/ingest.ts), so the hash finds what ingestion stored. The raw
 * address is never stored, logged or echoed back: only its hash is answered, for the shop's own
 * record of the request. Validation messages never quote the value either.
 */
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog';
import type { AppDeps } from '../deps';
import { AppError, badRequest } from '../errors';
import { EMAIL, EMAIL_MAX, emailHash } from './email';
import { SHA256_HEX, VISITOR_ID } from './event-limits';
import type { ErasureCounts } from './port';

export const erasureRequestSchema = z
  .strictObject({
    email: z.string().trim().max(EMAIL_MAX, `email is longer than ${EMAIL_MAX} characters`).regex(EMAIL, 'email is not an e-mail address').optional(),
    email_sha256: z
      .string()
      .regex(SHA256_HEX, 'email_sha256 must be 64 hex characters (SHA-256 of the trimmed, lower-cased address)')
      .optional(),
  }, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}: send email or email_sha256` : undefined) })
  .refine((r) => (r.email === undefined) !== (r.email_sha256 === undefined), {
    message: 'send exactly one of email and email_sha256',
  });
export type ErasureRequest = z.output<typeof erasureRequestSchema>;

export interface EmailErasure {
  email_sha256: string;
  erased: ErasureCounts;
}

/** Validates a request body (422 with per-field reasons) and erases every visitor with that address. */
export async function eraseByEmail(deps: AppDeps, catalog: Catalog, body: unknown): Promise<EmailErasure> {
  const parsed = erasureRequestSchema.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: i.path.join('.') || null, reason: i.message }));
    throw new AppError(422, 'invalid_erasure', `the erasure request was refused: ${details[0]!.reason}`, details);
  }
  const { email, email_sha256 } = parsed.data;
  const hash = email !== undefined ? await emailHash(email) : email_sha256!.toLowerCase();
  return { email_sha256: hash, erased: await deps.signals.eraseByEmail(catalog.id, hash) };
}

/** Erases one visitor's events and visitor row; 400 for a malformed visitor id. */
export async function eraseVisitor(deps: AppDeps, catalog: Catalog, visitorId: string): Promise<ErasureCounts> {
  if (!VISITOR_ID.test(visitorId)) throw badRequest('visitor ids are 8-64 characters of A-Z a-z 0-9 _ -');
  return deps.signals.eraseVisitor(catalog.id, visitorId);
}
