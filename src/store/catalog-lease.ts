/**
 * A lease on a catalog's insights build (labels, then pairs: ./labels-sql, ./pairs-sql), held in
 * the catalog row, so that two builds (the hourly timer and the admin's button, or the CLI beside
 * the server) never write the same unpublished rows at once. A build renews it with every chunk;
 * one whose process died stops renewing, and the next build takes the catalog over after
 * LEASE_MS. Times are wall-clock milliseconds: this is about real elapsed time between
 * processes, not the business time a refresh is computed for.
 */
import { randomToken } from '../util/crypto';
import type { SqlDriver, SqlStatement } from './sql';

export const LEASE_MS = 10 * 60_000;

const TAKE = `UPDATE catalogs SET insights_lease = ?2, insights_lease_until = ?3
  WHERE id = ?1 AND (insights_lease IS NULL OR insights_lease_until < ?4)`;
const RENEW = 'UPDATE catalogs SET insights_lease_until = ?3 WHERE id = ?1 AND insights_lease = ?2';
const RELEASE = 'UPDATE catalogs SET insights_lease = NULL, insights_lease_until = NULL WHERE id = ?1 AND insights_lease = ?2';

/**
 * The condition every statement of a build carries (`?1` the catalog, `token` the placeholder of
 * the lease token), so that a build which stalled past its lease and lost it writes and deletes
 * nothing more, even in the one transaction that tells it so.
 */
export const leaseHeld = (token: string) => `EXISTS (SELECT 1 FROM catalogs WHERE id = ?1 AND insights_lease = ${token})`;

/** Another build holds the lease now: this one stalled past LEASE_MS and must stop. */
export class LeaseLost extends Error {
  constructor() {
    super('insights build: another build took over the lease');
  }
}

export interface CatalogLease {
  readonly catalogId: number;
  /** the parameter a statement's leaseHeld() condition compares with */
  readonly token: string;
  /** Runs the statements in one transaction that also renews the lease; throws LeaseLost if it was not ours any more. */
  step(statements: SqlStatement[]): Promise<Array<{ changes: number }>>;
}

/**
 * Runs `work` under the catalog's lease and gives it back after. Resolves with null, running
 * nothing, while another build holds it; with null too if the lease is lost during the work (the
 * build that took it over publishes in its place).
 */
export async function withCatalogLease<T>(db: SqlDriver, catalogId: number, work: (lease: CatalogLease) => Promise<T>): Promise<T | null> {
  const token = randomToken(12);
  const taken = await db.run(TAKE, [catalogId, token, Date.now() + LEASE_MS, Date.now()]);
  if (taken.changes === 0) return null;
  const lease: CatalogLease = {
    catalogId,
    token,
    async step(statements) {
      const [renewed, ...results] = await db.batch([{ sql: RENEW, params: [catalogId, token, Date.now() + LEASE_MS] }, ...statements]);
      if (!renewed?.changes) throw new LeaseLost();
      return results;
    },
  };
  try {
    return await work(lease);
  } catch (err) {
    if (err instanceof LeaseLost) return null;
    throw err;
  } finally {
    // A failure here must not hide the build's own error; the lease then runs out by itself.
    await db.run(RELEASE, [catalogId, token]).catch((err: unknown) => console.error('insights lease: release failed', err));
  }
}
