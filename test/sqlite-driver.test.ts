/**
 * The better-sqlite3 driver's own rules: a script that fails half-way leaves no transaction open
 * behind it (every later statement on the connection would join it and hold the write lock), and
 * BLOB parameters bind from plain Uint8Arrays.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { betterSqliteDriver } from '../src/store/drivers/better-sqlite3';

describe('better-sqlite3 driver', () => {
  it('rolls back a script that failed between BEGIN and COMMIT', async () => {
    const db = new Database(':memory:');
    const driver = betterSqliteDriver(db);
    await driver.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)');
    await expect(driver.exec('BEGIN; INSERT INTO t VALUES (1); INSERT INTO nowhere VALUES (2); COMMIT;')).rejects.toThrow(/nowhere/);
    expect(db.inTransaction).toBe(false);
    expect(await driver.all('SELECT x FROM t')).toEqual([]);
    await driver.run('INSERT INTO t VALUES (3)');
    expect(await driver.all('SELECT x FROM t')).toEqual([{ x: 3 }]);
    db.close();
  });

  it('binds BLOBs from plain Uint8Arrays, in batches too', async () => {
    const db = new Database(':memory:');
    const driver = betterSqliteDriver(db);
    await driver.exec('CREATE TABLE b (k TEXT, v BLOB)');
    await driver.batch([{ sql: 'INSERT INTO b VALUES (?, ?)', params: ['a', new Uint8Array([1, 2, 3])] }]);
    await driver.run('INSERT INTO b VALUES (?, ?)', ['b', new Uint8Array([4]).subarray(0, 1)]);
    const rows = await driver.all<{ k: string; v: Uint8Array }>('SELECT k, v FROM b ORDER BY k');
    expect(rows.map((r) => [r.k, [...r.v]])).toEqual([
      ['a', [1, 2, 3]],
      ['b', [4]],
    ]);
    db.close();
  });
});
