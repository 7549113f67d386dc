/**
 * An e-mail address as adfeed accepts one, and the only form it keeps: the SHA-256 (lower-case
 * hex) of the trimmed, lower-cased address, as Meta and Google match customer lists. Events
 * (./events, ./ingest), erasure requests (./erasure) and the snippet (./snippet, in the browser)
 * must hash alike, or an erasure by address would miss what ingestion stored.
 */
import { sha256Hex } from '../util/crypto';

/** Checked after trimming; deliberately loose (a typo'd address only hashes to nothing known). */
export const EMAIL = /^[^@\s]+@[^@\s]+$/;
/** RFC 5321's limit on a whole address. */
export const EMAIL_MAX = 254;

export async function emailHash(email: string): Promise<string> {
  return sha256Hex(email.trim().toLowerCase());
}
