/**
 * The Node runtime's parts: better-sqlite3 store with migrations from ./migrations, zlib
 * compressors, the system clock. Shared by the server, the demo, the CLI, tests and benches.
 */
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { hostname } from 'node:os';
import zlib from 'node:zlib';
import { getConnInfo } from '@hono/node-server/conninfo';
import type Database from 'better-sqlite3';
import type { Context } from 'hono';
import { nodeCreativeParts } from './node-creative';
import { nodePhotoFetcher } from './node-photo-fetcher';
import type { AppDeps } from '../deps';
import type { Settings } from '../env';
import { builtinDefinitions } from '../feeds/definitions-bundle';
import { betterSqliteDriver, openSqlite } from '../store/drivers/better-sqlite3';
import type { Store } from '../store/port';
import { createInsightStore } from '../store/insights-sql';
import { createSignalStore } from '../store/signals-sql';
import { headerClientIp } from '../signals/http';
import type { Migration, SqlDriver } from '../store/sql';
import { createSqlStore } from '../store/sql-store';
import { fileBlobCache } from './file-blob-cache';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function loadMigrations(dir = join(PROJECT_ROOT, 'migrations')): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

export interface NodeStore {
  store: Store;
  db: Database.Database;
  close(): void;
}

/**
 * The driver each store from openNodeStore runs on, so nodeDeps can build the other SQL-backed
 * parts (insights, signals) on the same connection and statement cache without every caller
 * passing the driver along.
 */
const driverOf = new WeakMap<Store, SqlDriver>();

export function sqlDriverOf(store: Store): SqlDriver {
  const driver = driverOf.get(store);
  if (!driver) throw new Error('this store was not opened with openNodeStore');
  return driver;
}

/** This process, as recorded on the imports it runs. */
const IMPORT_OWNER = `${hostname()}:${process.pid}`;

/**
 * Is the process that owns an import still running? Only answerable on this host; a PID is
 * reused only after its process exited, and an import outliving a reboot is not plausible.
 */
function processIsAlive(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  const pid = Number(owner.slice(at + 1));
  if (owner.slice(0, at) !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens (creating if needed) the SQLite file, migrates it and finishes or discards interrupted imports. */
export async function openNodeStore(file: string, now = new Date()): Promise<NodeStore> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = openSqlite(file);
  const driver = betterSqliteDriver(db);
  const store = createSqlStore(driver, { importOwner: IMPORT_OWNER });
  driverOf.set(store, driver);
  await store.migrate(loadMigrations());
  await store.recoverInterruptedImports(now.toISOString(), processIsAlive);
  return { store, db, close: () => db.close() };
}

/** zlib as web TransformStreams. Brotli at quality 4: near gzip speed, smaller output; 11 is far too slow to stream. */
export const nodeCompressors: NonNullable<AppDeps['compressors']> = {
  br: () =>
    Duplex.toWeb(
      zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
    ) as unknown as TransformStream<Uint8Array, Uint8Array>,
  gzip: () => Duplex.toWeb(zlib.createGzip({ level: 5 })) as unknown as TransformStream<Uint8Array, Uint8Array>,
};

/**
 * Cache files live beside the database, in a folder named after it (`data/adfeed.db` caches under
 * `data/adfeed-cache/`): two databases in one folder must never share cached feeds.
 */
export function cacheDirFor(dbFile: string): string {
  if (dbFile === ':memory:') return join(PROJECT_ROOT, 'data', 'memory-cache');
  return join(dirname(dbFile), `${basename(dbFile).replace(/\.[^.]*$/, '')}-cache`);
}

/**
 * The socket's address; with `trustProxy` (TRUST_PROXY, behind a reverse proxy, where the socket
 * is the proxy) the proxy's headers first. Without it those headers are ignored: anyone can send
 * them, and rate limits keyed by a forged header limit nothing.
 */
export function nodeClientIp(trustProxy: boolean): (c: Context) => string | undefined {
  return (c) => {
    const fromHeaders = trustProxy ? headerClientIp(c) : undefined;
    if (fromHeaders) return fromHeaders;
    try {
      return getConnInfo(c).remote.address;
    } catch {
      return undefined; // not served by @hono/node-server (app.request in tests)
    }
  };
}

export function nodeDeps(store: Store, settings: Settings, clock: () => Date = () => new Date()): AppDeps {
  return {
    store,
    insights: createInsightStore(sqlDriverOf(store)),
    signals: createSignalStore(sqlDriverOf(store)),
    clientIp: nodeClientIp(settings.trustProxy),
    clock,
    settings,
    feeds: builtinDefinitions,
    compressors: nodeCompressors,
    blobCache: fileBlobCache(cacheDirFor(settings.dbFile)),
    creative: nodeCreativeParts(nodePhotoFetcher({ allow: settings.photoFetchAllow })),
  };
}
