/**
 * npm run bench:import [-- --rows 100000]
 *
 * A CSV catalog import through the real app (HTTP request body streamed into parse → map →
 * validate → stage → publish) next to a naive baseline in the same run: read the whole file,
 * csv-parse/sync it, and INSERT each row with autocommit. Each runs in its own child process,
 * so peak RSS is the import's own.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { createApp } from '../src/app';
import { generateCsvChunks } from '../src/demo/catalog-generator';
import { parseSettings } from '../src/env';
import { nodeDeps, openNodeStore, PROJECT_ROOT } from '../src/runtime/node-parts';

const SELF = fileURLToPath(import.meta.url);
const OUT = join(PROJECT_ROOT, 'bench', 'out');
const TOKEN = 'bench-admin-token-123456';

interface Result {
  ok: boolean;
  rows?: number;
  ms?: number;
  maxRssMb: number;
  error?: string;
}

async function childAdfeed(csvFile: string, dbFile: string): Promise<Result> {
  rmSync(dbFile, { force: true });
  const { store, close } = await openNodeStore(dbFile);
  const settings = parseSettings({ ADMIN_TOKEN: TOKEN, ADFEED_DB: dbFile, MAX_UPLOAD_MB: '2048' });
  const app = createApp(nodeDeps(store, settings));
  const auth = { authorization: `Bearer ${TOKEN}` };
  await app.request('/admin/catalogs/bench', {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Bench', link: 'https://shop.example.com', currency: 'EUR' }),
  });
  const started = performance.now();
  const res = await app.request('/admin/catalogs/bench/imports?mode=replace&format=csv', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(csvFile)) as unknown as ReadableStream<Uint8Array>,
    // @ts-expect-error Node's fetch needs duplex for stream bodies
    duplex: 'half',
  });
  const report = (await res.json()) as { status: string; counts: { valid: number } };
  const ms = performance.now() - started;
  close();
  if (report.status !== 'published') return { ok: false, maxRssMb: 0, error: JSON.stringify(report).slice(0, 300) };
  return { ok: true, rows: report.counts.valid, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function childNaive(csvFile: string, dbFile: string): Promise<Result> {
  rmSync(dbFile, { force: true });
  const started = performance.now();
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE products (id TEXT PRIMARY KEY, title TEXT, description TEXT, link TEXT, image_link TEXT, price TEXT, availability TEXT, brand TEXT, gtin TEXT, data TEXT)');
  const records = parse(readFileSync(csvFile, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const insert = db.prepare('INSERT OR REPLACE INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const r of records) {
    insert.run(r.id, r.title, r.description, r.link, r.image_link, r.price, r.availability, r.brand, r.gtin, JSON.stringify(r));
  }
  db.close();
  return { ok: true, rows: records.length, ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function runChild(kind: string, csvFile: string, dbFile: string): Result {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', kind, '--csv', csvFile, '--db', dbFile], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
    cwd: PROJECT_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Result;
  } catch {
    return { ok: false, maxRssMb: 0, error: (r.stderr || `exit ${r.status}`).slice(0, 500) };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      csv: { type: 'string' },
      db: { type: 'string' },
      rows: { type: 'string', default: '100000' },
    },
  });
  if (values.child) {
    const result =
      values.child === 'adfeed' ? await childAdfeed(values.csv!, values.db!) : await childNaive(values.csv!, values.db!);
    console.log(JSON.stringify(result));
    return;
  }
  mkdirSync(OUT, { recursive: true });
  const rows = Number(values.rows);
  const csvFile = join(OUT, `import-${rows}.csv`);
  writeFileSync(csvFile, '');
  let text = '';
  for (const chunk of generateCsvChunks({ count: rows, baseUrl: 'https://shop.example.com' })) text += chunk;
  writeFileSync(csvFile, text);
  const mb = statSync(csvFile).size / 1048576;
  console.log(`CSV import of ${rows.toLocaleString('en')} rows (${mb.toFixed(1)} MB), node ${process.version}`);
  for (const [label, kind] of [
    ['adfeed (HTTP, streamed)', 'adfeed'],
    ['naive (sync parse + autocommit)', 'naive'],
  ] as const) {
    const r = runChild(kind, csvFile, join(OUT, `import-${kind}.db`));
    if (!r.ok) {
      console.log(`  ${label.padEnd(32)} FAILED: ${r.error}`);
      continue;
    }
    const secs = r.ms! / 1000;
    console.log(
      `  ${label.padEnd(32)} ${secs.toFixed(2).padStart(6)} s  ${Math.round(r.rows! / secs).toLocaleString('en').padStart(8)} rows/s  ${(mb / secs).toFixed(1).padStart(6)} MB/s  peak RSS ${Math.round(r.maxRssMb).toString().padStart(5)} MB`,
    );
  }
  console.log('target: 100,000 rows in < 5 s with peak RSS < 300 MB (adfeed validates every row; the naive baseline validates nothing)');
}

await main();
