/**
 * Runs the Worker locally the way `npm run dev:worker`, the contract tests and bench:worker need
 * it: wrangler 4.85 from node_modules (workerd from npm), a local D1 migrated from migrations/,
 * local R2, no account, no network. Node-only tooling: never imported by the Worker itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from './node-parts';

const WRANGLER = join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler');

/** No telemetry, no update check, no prompts: CI and offline machines. */
const QUIET_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_ACCOUNT_ID: '',
  NO_UPDATE_NOTIFIER: '1',
  // miniflare would fetch a sample `Request.cf` object from workers.cloudflare.com (3 s timeout)
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  CI: 'true',
} as const;

export interface LocalWorker {
  url: string;
  /** runs the Worker's scheduled() handler now, as the Cron Trigger would; throws when it fails */
  runCron(): Promise<void>;
  /** wrangler's output so far, for failure messages */
  log(): string;
  stop(): Promise<void>;
}

export interface LocalWorkerOptions {
  /** where the local D1 and R2 live (`--persist-to`) */
  persistTo: string;
  /** [vars] and secrets, e.g. ADMIN_TOKEN */
  vars: Record<string, string>;
  port?: number;
  /** how long to wait for the first answer; bundling and starting workerd take a few seconds */
  startTimeoutMs?: number;
  /** also print wrangler's output (npm run dev:worker) */
  echo?: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `wrangler d1 migrations apply DB --local`: the same files and bookkeeping as a deployed D1. */
export function applyLocalMigrations(persistTo: string): string {
  const run = spawnSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...QUIET_ENV },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  if (run.status !== 0) throw new Error(`wrangler d1 migrations apply failed (${run.status ?? run.signal}):\n${output}`);
  return output;
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  applyLocalMigrations(options.persistTo);
  const port = options.port ?? (await freePort());
  const args = ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', options.persistTo];
  // --test-scheduled: GET /__scheduled runs the Cron Trigger's handler (housekeeping)
  args.push('--test-scheduled', '--show-interactive-dev-session=false', '--log-level', options.echo ? 'info' : 'warn', '--inspector-port', String(await freePort()));
  for (const [k, v] of Object.entries(options.vars)) args.push('--var', `${k}:${v}`);
  const child: ChildProcess = spawn(WRANGLER, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...QUIET_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stop() ends workerd with it
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
    if (options.echo) process.stderr.write(d);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5_000);
    await exited;
    clearTimeout(killer);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { url, log: () => output, stop, runCron: () => runCron(url) };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer /healthz within the start timeout:\n${output}`);
}

async function runCron(url: string): Promise<void> {
  const res = await fetch(`${url}/__scheduled?cron=${encodeURIComponent('*/10 * * * *')}`);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`scheduled handler failed: ${res.status} ${body.slice(0, 500)}`);
}
