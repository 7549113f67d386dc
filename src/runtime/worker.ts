/**
 * The Cloudflare Workers entry (wrangler.toml `main`): the same app as on Node, wired with D1,
 * R2 and the wasm creative parts. It only wires; the core is untouched.
 *
 * - fetch: the app, built once per isolate (its caches live as long as the isolate), after a
 *   one-time check that D1 has every migration this build expects.
 * - scheduled: the Cron Trigger runs the shared housekeeping job (src/jobs/housekeeping.ts),
 *   after failing imports whose request died mid-way.
 */
import type { Hono } from 'hono';
import { createApp } from '../app';
import type { AppDeps, AppEnv } from '../deps';
import { AppError, type ErrorBody } from '../errors';
import { runHousekeeping } from '../jobs/housekeeping';
import { createSqlStore } from '../store/sql-store';
import { workerCreativeParts } from './worker-creative';
import { importMayBeRunning, missingMigrations, workerDeps, workerSettings, type WorkerEnv } from './worker-parts';

interface ExecutionContextLike {
  waitUntil(work: Promise<unknown>): void;
  passThroughOnException(): void;
}

interface Built {
  env: WorkerEnv;
  app: Hono<AppEnv>;
  deps: ReturnType<typeof workerDeps>;
  /** set once D1 was seen fully migrated; until then every request checks again */
  migrated: boolean;
}

let built: Built | null = null;

/** One app per isolate and environment: its memory caches (prepared creatives, brand kits) carry across requests. */
function build(env: WorkerEnv): Built {
  if (built?.env === env) return built;
  const settings = workerSettings(env);
  const deps = workerDeps(env, settings);
  const full: AppDeps = { ...deps, creative: workerCreativeParts(settings) };
  built = { env, app: createApp(full), deps, migrated: false };
  return built;
}

function problem(status: number, body: ErrorBody): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** Label refreshes per Cron Trigger run: 6 runs an hour refresh 60 catalogs hourly. */
const CRON_LABEL_REFRESHES = 10;

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContextLike): Promise<Response> {
    let b: Built;
    try {
      b = build(env);
    } catch (err) {
      console.error('adfeed: cannot start', err);
      return problem(500, { error: 'misconfigured', message: err instanceof Error ? err.message : String(err) });
    }
    if (!b.migrated) {
      const missing = await missingMigrations(b.deps.driver);
      if (missing.length > 0) {
        return problem(503, {
          error: 'not_migrated',
          message: 'the D1 database lacks migrations: run `wrangler d1 migrations apply DB` (add --local for wrangler dev)',
          details: { missing },
        });
      }
      b.migrated = true;
    }
    return b.app.fetch(request, env, ctx as Parameters<Hono<AppEnv>['fetch']>[2]);
  },

  async scheduled(_controller: unknown, env: WorkerEnv, ctx: ExecutionContextLike): Promise<void> {
    const b = build(env);
    const now = new Date();
    const work = (async () => {
      // A store of its own owner: this isolate may be running an import right now.
      const recovery = createSqlStore(b.deps.driver, { importOwner: 'worker:cron' });
      await recovery.recoverInterruptedImports(now.toISOString(), importMayBeRunning(now));
      // A label refresh is a few dozen D1 calls (test/d1-limits.test.ts) and an invocation may
      // make 1,000: a few catalogs per run, stalest first, the rest on the next (every 10 minutes).
      const report = await runHousekeeping(b.deps, now, { maxLabelRefreshes: CRON_LABEL_REFRESHES });
      if (report.errors.length > 0) throw new AppError(500, 'housekeeping_failed', report.errors.join('; '));
      console.log('housekeeping', JSON.stringify({ ...report, purged: report.purged.length }));
    })();
    // waitUntil keeps the isolate for it; awaiting it too makes the invocation's outcome its outcome
    ctx.waitUntil(work);
    await work;
  },
};
