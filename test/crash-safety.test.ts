/**
 * Crash safety (issue 7): child processes are SIGKILLed mid-work, then the database is reopened
 * the way a restarted server opens it (openNodeStore, which recovers interrupted imports).
 *
 * - Imports: a replace import killed anywhere (while staging, while diffing, inside the publish
 *   transaction, just after it) leaves the live catalog exactly the old version or exactly the
 *   new one, the imports row agrees with what is live, and the Google feed never mixes the two.
 * - Events: every event of a batch /collect acknowledged survives the kill; a batch is stored
 *   whole or not at all (recordEvents submits one batch's statements as one job of the write
 *   queue, committed in one transaction, and the request is answered only after that commit).
 *
 * Kill points are chosen from a seed, printed at the start; rerun with CRASH_SEED=<seed>.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { runImport } from '../src/catalog/import';
import { parseSettings } from '../src/env';
import { nodeDeps, openNodeStore } from '../src/runtime/node-parts';
import { csv } from './helpers/app';
import { CHUNK_ROWS, VERSION_ROWS, versionRows } from './fixtures/crash-import';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN_TOKEN = 'test-admin-token-0123456789';

const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`crash-safety: seed ${SEED} (rerun with CRASH_SEED=${SEED})`);

/** mulberry32: a small seeded PRNG, so the kill points of a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Child {
  proc: ChildProcess;
  lines: string[];
  /** resolves with the first line (already seen or coming) that matches */
  waitFor(match: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node --import tsx <script>`; onLine runs synchronously per stdout line (to kill at a marker). */
function spawnChild(script: string, args: string[], onLine?: (line: string, proc: ChildProcess) => void): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ match: RegExp; resolve: (l: string) => void }> = [];
  let stderr = '';
  let buf = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      onLine?.(line, proc);
      for (const w of [...waiters]) {
        if (w.match.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    lines,
    exited,
    waitFor(match, timeoutMs = 15_000) {
      const seen = lines.find((l) => match.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no ${match} within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`${script} exited (${code ?? signal}) before ${match}; stderr:\n${stderr}`));
        });
      });
    },
  };
}

const settingsFor = (file: string) =>
  parseSettings({ ADMIN_TOKEN, ADFEED_DB: file, PUBLIC_URL: 'https://feeds.example.com' });

/** Opens the database as a restarted server does (migrations + recovery) with the real app on it. */
async function restart(file: string) {
  const opened = await openNodeStore(file);
  const app = createApp(nodeDeps(opened.store, settingsFor(file)));
  const admin = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers ?? {}) } });
  return { ...opened, app, admin };
}

async function createShop(file: string, settings: Record<string, unknown> = {}) {
  const s = await restart(file);
  const res = await s.admin('/admin/catalogs/shop', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Crash Shop', link: 'https://shop.example.com', currency: 'EUR', ...settings }),
  });
  expect(res.status).toBeLessThan(300);
  return s;
}

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: false, isArray: (name) => name === 'item' });

function expectedVersion(k: number): Array<{ item_id: string; title: string }> {
  return versionRows(k)
    .map((r) => ({ item_id: String(r.id), title: String(r.title) }))
    .sort((a, b) => (a.item_id < b.item_id ? -1 : a.item_id > b.item_id ? 1 : 0));
}

describe('crash safety: replace imports killed with SIGKILL', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'adfeed-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leave the old catalog or the new one live and served, never a mix', async () => {
    const file = join(dir, 'imports.db');
    const rand = prng(SEED);
    /** ms per 100-row chunk of the upload: 30 chunks, so staging takes about STAGE_MS */
    const PACE = 12;
    const STAGE_MS = (VERSION_ROWS / CHUNK_ROWS) * PACE;

    // Version 0 is live before the first kill.
    {
      const s = await createShop(file);
      const catalog = (await s.store.getCatalog('shop'))!;
      const report = await runImport(s.store, catalog, new Blob([csv(versionRows(0))]).stream(), {
        mode: 'replace',
        format: 'csv',
        confirm: true,
        maxBytes: 64 * 1024 * 1024,
        now: () => new Date(),
      });
      expect(report.status).toBe('published');
      s.close();
    }

    // Timed kills spread over staging (one per stratum of [20 ms, STAGE_MS]), then kills at the
    // markers around publish: before the diff, on entering the publish transaction, just after it.
    type Plan = { kind: 'timer'; ms: number } | { kind: 'marker'; marker: 'diff' | 'publishing' | 'published' };
    const TIMED = 5;
    const plans: Plan[] = [
      ...Array.from({ length: TIMED }, (_, j): Plan => ({
        kind: 'timer',
        ms: Math.round(20 + ((j + rand()) * (STAGE_MS - 20)) / TIMED),
      })),
      { kind: 'marker', marker: 'diff' },
      { kind: 'marker', marker: 'publishing' },
      { kind: 'marker', marker: 'published' },
    ];

    let live = 0;
    const log: string[] = [];
    const outcomes: Array<{ before: string; after: string }> = [];
    for (const [i, plan] of plans.entries()) {
      const k = i + 1; // the version this run tries to publish
      let killedAt = '';
      const child = spawnChild('test/fixtures/crash-import.ts', [file, String(k), String(PACE)], (line, proc) => {
        if (plan.kind === 'marker' && line === plan.marker && !killedAt) {
          proc.kill('SIGKILL');
          killedAt = `marker ${line}`;
        }
      });
      await child.waitFor(/^ready$/);
      if (plan.kind === 'timer') {
        await new Promise((r) => setTimeout(r, plan.ms));
        if (child.proc.exitCode === null) {
          child.proc.kill('SIGKILL');
          killedAt = `${plan.ms} ms`;
        }
      }
      const { signal } = await child.exited;
      const lastMarker = child.lines.at(-1) ?? '';

      // What the kill left behind, before anything recovers it.
      const raw = new Database(file);
      const before = raw.prepare('SELECT id, status FROM imports ORDER BY id DESC LIMIT 1').get() as { id: number; status: string };
      raw.close();

      const s = await restart(file);
      try {
        const after = s.db.prepare('SELECT status, report FROM imports WHERE id = ?').get(before.id) as {
          status: string;
          report: string | null;
        };
        const stuck = s.db.prepare("SELECT count(*) AS n FROM imports WHERE status = 'staging'").get() as { n: number };
        const staged = s.db.prepare('SELECT (SELECT count(*) FROM staged_products) + (SELECT count(*) FROM staged_ids) AS n').get() as {
          n: number;
        };
        log.push(
          `run ${i}: kill at ${killedAt || 'never (child finished)'} (${signal ?? 'exit'}), last marker "${lastMarker}", ` +
            `import ${before.id} ${before.status} -> ${after.status}`,
        );
        expect(signal, log.at(-1)).toBe(plan.kind === 'marker' || killedAt ? 'SIGKILL' : null);
        expect(stuck.n).toBe(0);
        expect(staged.n, 'staged rows are discarded or published, never left behind').toBe(0);
        expect(['failed', 'published']).toContain(after.status);
        outcomes.push({ before: before.status, after: after.status });

        // The merchant can see what became of the import, with the reason when it failed.
        const seen = await s.admin(`/admin/catalogs/shop/imports/${before.id}`);
        expect(seen.status, `GET imports/${before.id} after the restart`).toBe(200);
        const report = (await seen.json()) as { status: string; message: string | null; version: number | null };
        expect(report.status).toBe(after.status);
        if (after.status === 'failed') expect(report.message).toMatch(/interrupted/);
        else expect(report.version).toBe((await s.store.getCatalog('shop'))!.version);
        const listed = (await (await s.admin('/admin/catalogs/shop/imports')).json()) as unknown;
        expect(JSON.stringify(listed)).toContain(`"id":${before.id},`);

        // The live catalog is exactly one version, and the one the imports row says.
        const catalog = (await s.store.getCatalog('shop'))!;
        const rows = s.db
          .prepare('SELECT item_id, title FROM products WHERE catalog_id = ? AND valid_to IS NULL ORDER BY item_id')
          .all(catalog.id) as Array<{ item_id: string; title: string }>;
        const nowLive = after.status === 'published' ? k : live;
        expect(rows, log.at(-1)).toEqual(expectedVersion(nowLive));
        live = nowLive;

        // The feed a restarted server serves: every item from that one version.
        const res = await s.app.request('/feeds/shop/google.xml');
        expect(res.status).toBe(200);
        const xml = await res.text();
        expect(XMLValidator.validate(xml)).toBe(true);
        const items = (parser.parse(xml).rss.channel.item ?? []) as Array<Record<string, unknown>>;
        expect(items).toHaveLength(VERSION_ROWS);
        const tags = new Set(items.map((it) => /\[v(\d+)\]$/.exec(String(it['title'] ?? it['g:title']))?.[1]));
        expect([...tags]).toEqual([String(live)]);
        expect(items.map((it) => String(it['g:id'])).sort()).toEqual(expectedVersion(live).map((p) => p.item_id));
      } finally {
        s.close();
      }
    }
    console.log(`crash-safety imports (seed ${SEED}, stage ≈ ${STAGE_MS} ms):\n  ${log.join('\n  ')}`);

    // The kills did land where they were meant to: during staging (recovered as failed) and after publish.
    expect(outcomes.filter((o) => o.before === 'staging' && o.after === 'failed').length).toBeGreaterThanOrEqual(TIMED);
    expect(outcomes.at(-1)).toEqual({ before: 'published', after: 'published' });
  });
});

describe('crash safety: the server killed with SIGKILL while events arrive', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'adfeed-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every event of every acknowledged batch, and stores a batch whole or not at all', async () => {
    const file = join(dir, 'events.db');
    const rand = prng(SEED ^ 0x5eed);
    (await createShop(file)).close();

    const server = spawnChild('test/fixtures/crash-server.ts', [file]);
    const url = (await server.waitFor(/^ready /)).slice('ready '.length);
    const base = `http://127.0.0.1:${new URL(url).port}`;

    const PER_BATCH = 40;
    const SENDERS = 6;
    const KILL_AFTER_ACKS = 40 + Math.floor(rand() * 80);
    const sent: string[] = [];
    const acked = new Set<string>();
    const failed: string[] = [];
    let stop = false;

    const eventsOf = (batch: string) =>
      Array.from({ length: PER_BATCH }, (_, j) => ({
        type: 'view_item',
        event_id: `${batch}-e${String(j).padStart(2, '0')}`,
        items: [{ id: `SKU-${j}` }],
      }));

    async function sender(s: number): Promise<void> {
      for (let n = 0; !stop; n++) {
        const batch = `s${s}-b${String(n).padStart(4, '0')}`;
        sent.push(batch);
        try {
          const res = await fetch(`${base}/collect`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ catalog: 'shop', vid: `visitor-${s}-000000`, consent: true, events: eventsOf(batch) }),
          });
          const json = (await res.json()) as { accepted: number };
          expect(res.status).toBe(200);
          expect(json.accepted).toBe(PER_BATCH);
          acked.add(batch);
          if (acked.size >= KILL_AFTER_ACKS && !server.proc.killed) server.proc.kill('SIGKILL');
        } catch (err) {
          if (!server.proc.killed) throw err;
          failed.push(batch); // in flight when the server died: not acknowledged
          stop = true;
        }
      }
    }
    await Promise.all(Array.from({ length: SENDERS }, (_, s) => sender(s)));
    expect((await server.exited).signal).toBe('SIGKILL');

    const s = await restart(file);
    try {
      const stored = new Map<string, number>();
      for (const r of s.db.prepare("SELECT substr(event_id, 1, instr(event_id, '-e') - 1) AS batch, count(*) AS n FROM events GROUP BY batch").all() as Array<{
        batch: string;
        n: number;
      }>) {
        stored.set(r.batch, r.n);
      }
      const items = s.db.prepare('SELECT count(*) AS n FROM event_items').get() as { n: number };
      const storedEvents = [...stored.values()].reduce((a, b) => a + b, 0);
      const unacked = sent.filter((b) => !acked.has(b));
      const unackedStored = unacked.filter((b) => stored.has(b));
      console.log(
        `crash-safety events (seed ${SEED}): killed after ${KILL_AFTER_ACKS} acks; ${sent.length} batches sent, ` +
          `${acked.size} acknowledged, ${failed.length} failed in flight, ${unackedStored.length} unacknowledged stored anyway`,
      );

      // Nothing the client was told is stored was lost.
      for (const batch of acked) expect(stored.get(batch), batch).toBe(PER_BATCH);
      // A batch is one transaction: whole or absent, events and their items alike.
      for (const [batch, n] of stored) {
        expect(sent, batch).toContain(batch);
        expect(n, batch).toBe(PER_BATCH);
      }
      expect(items.n).toBe(storedEvents);
      expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    } finally {
      s.close();
    }
  });
});
