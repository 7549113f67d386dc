/**
 * The Workers adapters on their own, against fakes that hold R2's and D1's rules (the contract
 * suite runs them against local workerd): multipart uploads of equal parts and nothing readable
 * before completion, D1's exact parameter counts and BLOBs as byte arrays, the migration list.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { d1Driver, type D1Like, type D1StatementLike } from '../src/store/drivers/d1';
import { r2BlobCache, type R2Like } from '../src/runtime/r2-blob-cache';
import { MIGRATION_NAMES } from '../src/runtime/worker-migrations';
import { importMayBeRunning, WORKER_IMPORT_LIFETIME_MS } from '../src/runtime/worker-parts';
import { getBytes } from '../src/cache/blob-cache';

/** R2 in memory: an object exists only after put/complete; parts but the last must be equal. */
function fakeR2() {
  const objects = new Map<string, { bytes: Uint8Array; uploaded: Date }>();
  const log: string[] = [];
  let now = new Date('2026-11-23T12:00:00Z');
  const bucket: R2Like = {
    async get(key) {
      const o = objects.get(key);
      return o ? { body: new Response(o.bytes.slice()).body!, size: o.bytes.length } : null;
    },
    async put(key, value) {
      log.push(`put ${key} ${value.length}`);
      objects.set(key, { bytes: value.slice(), uploaded: now });
    },
    async delete(keys) {
      for (const k of [keys].flat()) objects.delete(k);
    },
    async list({ prefix, delimiter, startAfter, limit = 1000 }) {
      const keys = [...objects.keys()]
        .filter((k) => k.startsWith(prefix) && !(delimiter && k.slice(prefix.length).includes(delimiter)) && (startAfter === undefined || k > startAfter))
        .sort();
      const page = keys.slice(0, limit);
      return { objects: page.map((key) => ({ key, uploaded: objects.get(key)!.uploaded })), truncated: keys.length > limit };
    },
    async createMultipartUpload(key) {
      const parts = new Map<number, Uint8Array>();
      log.push(`multipart ${key}`);
      return {
        async uploadPart(partNumber, value) {
          parts.set(partNumber, value.slice());
          return { partNumber, etag: `e${partNumber}` };
        },
        async complete(list) {
          const sizes = list.map((p) => parts.get(p.partNumber)!.length);
          if (sizes.slice(0, -1).some((s) => s !== sizes[0])) throw new Error(`R2: parts of unequal size ${sizes.join(',')}`);
          const whole = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
          let at = 0;
          for (const p of list) {
            whole.set(parts.get(p.partNumber)!, at);
            at += parts.get(p.partNumber)!.length;
          }
          log.push(`complete ${key} ${sizes.join(',')}`);
          objects.set(key, { bytes: whole, uploaded: now });
        },
        async abort() {
          log.push(`abort ${key}`);
        },
      };
    },
  };
  return { bucket, objects, log, setNow: (d: Date) => (now = d) };
}

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('R2 blob cache', () => {
  it('writes a small entry with one put, readable only after commit', async () => {
    const r2 = fakeR2();
    const cache = r2BlobCache(r2.bucket, 1024);
    const w = await cache.writer('img/1/a.png');
    await w.write(bytes(300));
    await w.write(bytes(200, 7));
    expect(await cache.get('img/1/a.png')).toBeNull();
    await w.commit();
    expect(r2.log).toEqual(['put img/1/a.png 500']);
    const got = await getBytes(cache, 'img/1/a.png');
    expect(got).toEqual(new Uint8Array([...bytes(300), ...bytes(200, 7)]));
  });

  it('streams a large entry as a multipart upload of equal parts, whatever the chunk sizes', async () => {
    const r2 = fakeR2();
    const cache = r2BlobCache(r2.bucket, 1000);
    const w = await cache.writer('feeds/1/google/v1.xml.gzip');
    const expected: number[] = [];
    for (const size of [10, 999, 1, 2500, 333, 7]) {
      const chunk = bytes(size, size);
      expected.push(...chunk);
      await w.write(chunk);
    }
    expect(await cache.get('feeds/1/google/v1.xml.gzip')).toBeNull();
    await w.commit();
    expect(r2.log).toEqual(['multipart feeds/1/google/v1.xml.gzip', 'complete feeds/1/google/v1.xml.gzip 1000,1000,1000,850']);
    expect(await getBytes(cache, 'feeds/1/google/v1.xml.gzip')).toEqual(new Uint8Array(expected));
  });

  it('leaves nothing behind when aborted', async () => {
    const r2 = fakeR2();
    const cache = r2BlobCache(r2.bucket, 100);
    const w = await cache.writer('feeds/x');
    await w.write(bytes(250));
    await w.abort();
    await w.commit(); // a late commit after an abort does nothing
    expect(r2.objects.size).toBe(0);
    expect(r2.log).toEqual(['multipart feeds/x', 'abort feeds/x']);
  });

  it('prunes other versions in one folder only, and sweeps by age across pages', async () => {
    const r2 = fakeR2();
    const cache = r2BlobCache(r2.bucket);
    for (const k of ['feeds/1/google/old.xml', 'feeds/1/google/new.xml.gzip', 'feeds/1/google/new.xml.identity', 'feeds/1/google/sub/keep.xml', 'feeds/1/meta/x.csv']) {
      await r2.bucket.put(k, bytes(3));
    }
    await cache.prune('feeds/1/google/', 'feeds/1/google/new.');
    expect([...r2.objects.keys()].sort()).toEqual(['feeds/1/google/new.xml.gzip', 'feeds/1/google/new.xml.identity', 'feeds/1/google/sub/keep.xml', 'feeds/1/meta/x.csv']);

    r2.setNow(new Date('2026-10-01T00:00:00Z'));
    for (let i = 0; i < 2500; i++) await r2.bucket.put(`img/1/p${i}/old.png`, bytes(1));
    r2.setNow(new Date('2026-11-23T00:00:00Z'));
    await r2.bucket.put('img/1/fresh/new.png', bytes(1));
    expect(await cache.sweep!('img/', new Date('2026-11-01T00:00:00Z'))).toBe(2500);
    expect([...r2.objects.keys()].filter((k) => k.startsWith('img/'))).toEqual(['img/1/fresh/new.png']);
  });
});

/** D1 over an in-memory SQLite that, like D1, refuses a parameter count that differs and returns BLOBs as arrays. */
function fakeD1(): D1Like {
  const db = new Database(':memory:');
  const statementOf = (sql: string, params: unknown[] = []): D1StatementLike => {
    const numbered = [...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1]));
    const expected = numbered.length > 0 ? Math.max(...numbered) : sql.split('?').length - 1;
    // better-sqlite3 binds `?N` by name only
    const stmt = db.prepare(sql.replace(/\?(\d+)/g, '@p$1'));
    const args = () => {
      if (params.length !== expected) throw new Error(`D1_ERROR: Wrong number of parameter bindings (${params.length} for ${expected})`);
      const values = params.map((p) => (p instanceof ArrayBuffer ? Buffer.from(p) : p));
      return numbered.length > 0 ? [Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]))] : values;
    };
    const fromBlob = (v: unknown) => (Buffer.isBuffer(v) ? [...v] : v);
    const out = (row: unknown) => (row && typeof row === 'object' ? Object.fromEntries(Object.entries(row).map(([k, v]) => [k, fromBlob(v)])) : row);
    return {
      bind: (...values) => statementOf(sql, values),
      all: async <T>() => ({ results: stmt.all(...args()).map(out) as T[], meta: {} }),
      first: async <T>() => (out(stmt.get(...args())) ?? null) as T | null,
      raw: async <T>() => (stmt.raw(true).all(...args()) as unknown[][]).map((r) => r.map(fromBlob)) as T[],
      run: async () => {
        const r = stmt.run(...args());
        return { meta: { changes: r.changes, last_row_id: Number(r.lastInsertRowid) } };
      },
    };
  };
  return {
    prepare: (sql) => statementOf(sql),
    batch: async (statements) => {
      const results: Array<{ meta: { changes?: number } }> = [];
      for (const s of statements) results.push(await s.run());
      return results;
    },
  };
}

describe('D1 driver', () => {
  it('binds each statement exactly the numbered parameters it names, and BLOBs both ways', async () => {
    const driver = d1Driver(fakeD1());
    await driver.run('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB)');
    const params = ['a', Uint8Array.from([1, 2, 250]), 'unused'];
    // one parameter list for statements that use part of it, as the store's batches do
    await driver.batch([
      { sql: 'INSERT INTO t (name, data) VALUES (?1, ?2)', params },
      { sql: 'INSERT INTO t (name) VALUES (?1)', params },
    ]);
    const rows = await driver.all<{ name: string; data: Uint8Array | null }>('SELECT name, data FROM t ORDER BY id');
    expect(rows[0]!.data).toBeInstanceOf(Uint8Array);
    expect([...rows[0]!.data!]).toEqual([1, 2, 250]);
    expect(rows[1]).toEqual({ name: 'a', data: null });
    const values = await driver.values('SELECT data FROM t WHERE name = ?1 AND data IS NOT NULL', ['a', 'extra']);
    expect(values[0]![0]).toEqual(Uint8Array.from([1, 2, 250]));
    expect(await driver.get('SELECT name FROM t WHERE id = ?', [99])).toBeUndefined();
    await expect(driver.exec('CREATE TABLE x (a)')).rejects.toThrow(/wrangler d1 migrations apply/);
  });
});

describe('Worker wiring', () => {
  it('expects exactly the migrations in migrations/', () => {
    const files = readdirSync(join(import.meta.dirname, '..', 'migrations')).filter((f) => f.endsWith('.sql')).sort();
    expect([...MIGRATION_NAMES]).toEqual(files);
  });

  it('presumes an import alive for an hour after it started, then recoverable', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const alive = importMayBeRunning(now);
    expect(alive('worker:abc', new Date(now.getTime() - 10 * 60_000).toISOString())).toBe(true);
    expect(alive('worker:abc', new Date(now.getTime() - WORKER_IMPORT_LIFETIME_MS - 1).toISOString())).toBe(false);
  });
});
