/**
 * The HTTP load generator the benches share: keep-alive node:http at a fixed concurrency for a
 * fixed time, over a list of paths, in a child process (`runHttpLoad`) so it does not compete
 * with an in-process server for the main thread. Prints one JSON line: counts, bytes, statuses,
 * the `x-cache`/`x-creative-cache` header tally, p50 and p99 latency.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runChildJson } from './child';

const SELF = fileURLToPath(import.meta.url);

export interface LoadResult {
  requests: number;
  ms: number;
  bytes: number;
  statuses: Record<string, number>;
  cache: Record<string, number>;
  p50: number;
  p99: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0;
}

function get(agent: http.Agent, url: URL, headers: Record<string, string>): Promise<{ status: number; cache: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, cache: String(res.headers['x-creative-cache'] ?? res.headers['x-cache'] ?? '-'), bytes }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function load(url: string, paths: string[], seconds: number, concurrency: number, headers: Record<string, string>): Promise<LoadResult> {
  const base = new URL(url);
  const targets = paths.map((p) => new URL(p, base));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  // Open the connections before the clock starts.
  await Promise.all(Array.from({ length: concurrency }, (_, i) => get(agent, targets[i % targets.length]!, headers)));
  const out: LoadResult = { requests: 0, ms: 0, bytes: 0, statuses: {}, cache: {}, p50: 0, p99: 0 };
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const target = targets[next++ % targets.length]!;
        const t0 = performance.now();
        const res = await get(agent, target, headers);
        latencies.push(performance.now() - t0);
        out.requests++;
        out.bytes += res.bytes;
        out.statuses[res.status] = (out.statuses[res.status] ?? 0) + 1;
        out.cache[res.cache] = (out.cache[res.cache] ?? 0) + 1;
      }
    }),
  );
  out.ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  out.p50 = quantile(latencies, 0.5);
  out.p99 = quantile(latencies, 0.99);
  agent.destroy();
  return out;
}

export interface LoadOptions {
  seconds: number;
  concurrency: number;
  headers?: Record<string, string>;
}

/** GETs `paths` (round robin) against `url` from a child process; resolves with its tally. */
export function runHttpLoad(url: string, paths: readonly string[], options: LoadOptions): Promise<LoadResult> {
  const list = join(tmpdir(), `adfeed-load-${process.pid}-${Date.now()}.json`);
  writeFileSync(list, JSON.stringify({ paths, headers: options.headers ?? {} }));
  return runChildJson<LoadResult>(SELF, ['--url', url, '--paths', list, '--seconds', String(options.seconds), '--concurrency', String(options.concurrency)]);
}

if (process.argv[1] === SELF) {
  const { values } = parseArgs({ options: { url: { type: 'string' }, paths: { type: 'string' }, seconds: { type: 'string' }, concurrency: { type: 'string' } } });
  const { paths, headers } = JSON.parse(readFileSync(values.paths!, 'utf8')) as { paths: string[]; headers: Record<string, string> };
  const result = await load(values.url!, paths, Number(values.seconds), Number(values.concurrency), headers);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
