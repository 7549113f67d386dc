/**
 * Settings, validated once at start-up. The runtime entry hands in its environment
 * (process.env on Node, bindings on Workers); nothing else reads it.
 */
import { z } from 'zod';

const settingsSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  ADFEED_DB: z.string().min(1).default('./data/adfeed.db'),
  ADMIN_TOKEN: z
    .string()
    .min(16, 'ADMIN_TOKEN must be at least 16 characters (use a long random value)')
    .optional(),
  PUBLIC_URL: z.url().optional(),
  SIGNING_KEY: z.string().min(16, 'SIGNING_KEY must be at least 16 characters').optional(),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(4096).default(512),
  /**
   * Addresses or CIDRs product photos may be fetched from although they are private
   * (an internal image CDN), comma-separated. Everything private is refused otherwise.
   */
  PHOTO_FETCH_ALLOW: z.string().optional(),
  /**
   * Behind a reverse proxy: take the client address from X-Forwarded-For (or CF-Connecting-IP).
   * Off by default, since anyone can send those headers: rate limits would be per forged header.
   */
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).optional(),
});

export interface Settings {
  port: number;
  dbFile: string;
  adminToken: string;
  publicUrl: string;
  signingKey: string;
  maxUploadBytes: number;
  /** PHOTO_FETCH_ALLOW, split */
  photoFetchAllow: string[];
  /** TRUST_PROXY: client addresses from proxy headers, not the socket */
  trustProxy: boolean;
}

export class SettingsError extends Error {}

/**
 * `generated` supplies values the demo may make up (a random admin token) where production
 * must be told: outside the demo a missing ADMIN_TOKEN is a start-up error, not an open door.
 */
export function parseSettings(
  env: Record<string, string | undefined>,
  generated?: { adminToken: string; signingKey: string },
): Settings {
  const parsed = settingsSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw new SettingsError(
      `invalid settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const s = parsed.data;
  const adminToken = s.ADMIN_TOKEN ?? generated?.adminToken;
  if (!adminToken) throw new SettingsError('ADMIN_TOKEN is required (at least 16 characters)');
  const signingKey = s.SIGNING_KEY ?? generated?.signingKey ?? adminToken;
  return {
    port: s.PORT,
    dbFile: s.ADFEED_DB,
    adminToken,
    publicUrl: (s.PUBLIC_URL ?? `http://localhost:${s.PORT}`).replace(/\/+$/, ''),
    signingKey,
    maxUploadBytes: Math.round(s.MAX_UPLOAD_MB * 1024 * 1024),
    photoFetchAllow: (s.PHOTO_FETCH_ALLOW ?? '').split(',').map((v) => v.trim()).filter(Boolean),
    trustProxy: s.TRUST_PROXY === 'true' || s.TRUST_PROXY === '1',
  };
}
