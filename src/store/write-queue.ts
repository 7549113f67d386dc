/**
 * Coalesces concurrent small writes into one transaction.
 *
 * Many small transactions are SQLite's slow path (each commit writes the WAL frames of every page
 * it touched) and D1's too (one network round trip per batch). Requests submit their statements;
 * the queue commits everything waiting in one `batch` on the next turn of the event loop, or at
 * once when `maxStatements` are waiting. Each submitter's promise settles only after the
 * transaction holding its statements committed, so nobody is told "stored" before it is.
 *
 * Jobs run in submission order inside a transaction, so a later job (an erasure) sees an earlier
 * one (that visitor's events). When a shared transaction fails, its jobs are retried one by one,
 * so one bad job cannot fail its neighbours.
 */
import type { SqlDriver, SqlStatement } from './sql';

export interface WriteQueueOptions {
  /** commit without waiting for the next turn once this many statements wait */
  maxStatements?: number;
  /**
   * Runs the flush later. Default: setImmediate where it exists (Node: after the pending network
   * callbacks, so requests that arrived together share a transaction), else setTimeout 0.
   */
  schedule?: (flush: () => void) => void;
  /** false commits each job on its own (e.g. a runtime that forbids sharing work across requests) */
  coalesce?: boolean;
}

export interface WriteQueue {
  /** Resolves with each statement's `changes`, once committed. */
  submit(statements: SqlStatement[]): Promise<number[]>;
  /**
   * Resolves once everything submitted before the call has committed (or failed), without
   * waiting for what is submitted after it: under steady traffic `drain` may never settle.
   */
  barrier(): Promise<void>;
  /** Resolves when everything submitted so far is committed (or failed). */
  drain(): Promise<void>;
}

interface Job {
  statements: SqlStatement[];
  resolve: (changes: number[]) => void;
  reject: (err: unknown) => void;
}

const defaultSchedule = (flush: () => void): void => {
  if (typeof setImmediate === 'function') setImmediate(flush);
  else setTimeout(flush, 0);
};

export function createWriteQueue(db: SqlDriver, options: WriteQueueOptions = {}): WriteQueue {
  const maxStatements = options.maxStatements ?? 4000;
  const schedule = options.schedule ?? defaultSchedule;
  const coalesce = options.coalesce ?? true;
  let pending: Job[] = [];
  let waiting = 0;
  let scheduled = false;
  let running: Promise<void> | null = null;

  async function commit(jobs: Job[]): Promise<void> {
    const statements = jobs.length === 1 ? jobs[0]!.statements : jobs.flatMap((j) => j.statements);
    try {
      // Only barriers: nothing to send (D1 refuses an empty batch).
      const results = statements.length ? await db.batch(statements) : [];
      let at = 0;
      for (const job of jobs) {
        const end = at + job.statements.length;
        const changes: number[] = [];
        for (let i = at; i < end; i++) changes.push(results[i]?.changes ?? 0);
        at = end;
        job.resolve(changes);
      }
    } catch (err) {
      if (jobs.length === 1) jobs[0]!.reject(err);
      else for (const job of jobs) await commit([job]);
    }
  }

  function start(): void {
    if (running || pending.length === 0) return;
    running = (async () => {
      // An async driver (D1) lets new jobs arrive while a batch is in flight: they go next.
      while (pending.length > 0) {
        const jobs = pending;
        pending = [];
        waiting = 0;
        if (coalesce) await commit(jobs);
        else for (const job of jobs) await commit([job]);
      }
    })().finally(() => {
      running = null;
      if (pending.length > 0) kick();
    });
  }

  function kick(): void {
    if (running) return;
    if (waiting >= maxStatements || !coalesce) {
      start();
      return;
    }
    if (scheduled) return;
    scheduled = true;
    schedule(() => {
      scheduled = false;
      start();
    });
  }

  return {
    submit(statements) {
      if (statements.length === 0) return Promise.resolve([]);
      return new Promise<number[]>((resolve, reject) => {
        pending.push({ statements, resolve, reject });
        waiting += statements.length;
        kick();
      });
    },
    barrier() {
      if (!running && pending.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.push({ statements: [], resolve: () => resolve(), reject });
        kick();
      });
    },
    async drain() {
      while (running || pending.length > 0) {
        if (!running) start();
        await running;
      }
    },
  };
}
