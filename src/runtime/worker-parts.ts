/**
 * The Workers runtime's parts: the D1 store, the R2 blob cache, settings from the Worker's
 * bindings. The entry (worker.ts) adds the wasm creative parts and serves the app.
 *
 * Differences from Node, and why:
 * - writes are not coalesced across requests: a promise one request's handler settles for
 *   another is refused by the Workers runtime, so each /collect batch is its own D1 batch;
 * - fetch logging runs under `waitUntil`, so it survives the response;
 * - the app does not compress: the edge does, per client;
 * - imports carry their start time in their owner, so the cron's recovery fails only those
 *   staging far longer than any request can live;
 * - memory caches are small: an isolate has 128 MB.
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import { parseSettings, type Settings } from '../env';
import { builtinDefinitions } from '../feeds/definitions-bundle';
import { createInsightStore } from '../store/insights-sql';
import { createSignalStore } from '../store/signals-sql';
import { createSqlStore } from '../store/sql-store';
import type { SqlDriver } from '../store/sql';
import { d1Driver, type D1Like } from '../store/drivers/d1';
import { randomToken } from '../util/crypto';
import { r2BlobCache, type R2Like } from './r2-blob-cache';
import { MIGRATION_NAMES } from './worker-migrations';

/** The bindings and variables of wrangler.toml (secrets: ADMIN_TOKEN, SIGNING_KEY). */
export interface WorkerEnv {
  DB: D1Like;
  BLOBS?: R2Like;
  ADMIN_TOKEN?: string;
  SIGNING_KEY?: string;
  PUBLIC_URL?: string;
  MAX_UPLOAD_MB?: string;
  PHOTO_FETCH_ALLOW?: string;
}

/**
 * A Worker request lives at most minutes (CPU limit 5 min at most, and a client waiting far
 * less); an import still `staging` an hour after it started was cut off with its request.
 */
export const WORKER_IMPORT_LIFETIME_MS = 60 * 60_000;


export function workerSettings(env: WorkerEnv): Settings {
  const strings = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  return parseSettings(strings);
}

/** The import recovery rule on Workers: an import is presumed alive for an hour after it started. */
export function importMayBeRunning(now: Date) {
  return (_owner: string, createdAt: string) => now.getTime() - Date.parse(createdAt) < WORKER_IMPORT_LIFETIME_MS;
}

/** Everything but the creative parts, from the Worker's bindings. */
export function workerDeps(env: WorkerEnv, settings: Settings): AppDeps & { driver: SqlDriver } {
  const driver = d1Driver(env.DB);
  return {
    driver,
    // `worker:<random>` tells this isolate's imports from others' in logs; liveness goes by age.
    // (Made here, not at module load: Workers refuse random values outside a request.)
    store: createSqlStore(driver, { importOwner: `worker:${randomToken(6)}` }),
    // Larger chunks than Node's: no event loop to share, and fewer calls out of the
    // invocation's budget (1,000 on Workers Paid); each stays far inside D1's 30 s a statement.
    insights: createInsightStore(driver, {
      labelChunks: { products: 100_000, deleteRows: 100_000 },
      pairChunks: { sourceEvents: 100_000, pairSources: 100_000, deleteRows: 100_000 },
      visitorChunk: 50_000,
    }),
    signals: createSignalStore(driver, { coalesce: false, rollupEvery: null, visitorChunk: 50_000, statsChunk: 250_000 }),
    clock: () => new Date(),
    settings,
    feeds: builtinDefinitions,
    blobCache: env.BLOBS ? r2BlobCache(env.BLOBS) : undefined,
    // Cloudflare's edge compresses for each client; a Worker always sees `Accept-Encoding: gzip, br`
    // whatever the client sent, so a body it compressed could reach a client that cannot read it.
    compressors: null,
    background: (c: Context, work: Promise<unknown>) => c.executionCtx.waitUntil(work),
    // Cloudflare sets it from the connection and overwrites any a client sent: safe to key limits by
    clientIp: (c: Context) => c.req.header('cf-connecting-ip')?.trim() || undefined,
  };
}

/** Migrations the database lacks (an empty list when it is up to date). */
export async function missingMigrations(driver: SqlDriver): Promise<string[]> {
  let applied: Set<string>;
  try {
    applied = new Set((await driver.all<{ name: string }>('SELECT name FROM d1_migrations')).map((r) => r.name));
  } catch {
    applied = new Set(); // no d1_migrations table: nothing applied yet
  }
  return MIGRATION_NAMES.filter((name) => !applied.has(name));
}
