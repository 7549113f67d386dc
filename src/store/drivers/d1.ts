/**
 * Cloudflare D1 driver. D1 binds SQLite's numbered parameters (`?1`) and plain `?` from an
 * array, as the store writes them, and `batch` is one transaction, so this is a thin adapter.
 *
 * D1 hands BLOB columns back as arrays of byte values; they become Uint8Arrays here, so the
 * core sees the same types as on better-sqlite3. `exec` is not offered for migrations: D1's
 * exec splits its input at newlines, and explicit transactions are refused, so the schema is
 * applied with `wrangler d1 migrations apply` (the same files, the same d1_migrations table).
 */
import type { SqlDriver, SqlStatement, SqlValue } from '../sql';

/** The part of the D1 binding the driver uses (structural, so no Workers type package is needed). */
export interface D1Like {
  prepare(sql: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<Array<{ meta: D1Meta }>>;
}

export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all<T>(): Promise<{ results: T[]; meta: D1Meta }>;
  first<T>(): Promise<T | null>;
  raw<T>(): Promise<T[]>;
  run(): Promise<{ meta: D1Meta }>;
}

interface D1Meta {
  changes?: number;
  last_row_id?: number;
}

/** D1 binds ArrayBuffers as BLOBs; a Uint8Array view is copied out to its own buffer. */
function bindable(v: SqlValue): unknown {
  return v instanceof Uint8Array ? v.slice().buffer : v;
}

/** A BLOB read back (an array of byte values) as the Uint8Array better-sqlite3 would give. */
function fromD1(v: unknown): unknown {
  return Array.isArray(v) ? Uint8Array.from(v as number[]) : v;
}

function rowFromD1<T>(row: T): T {
  if (row === null || typeof row !== 'object') return row;
  for (const [k, v] of Object.entries(row)) if (Array.isArray(v)) (row as Record<string, unknown>)[k] = fromD1(v);
  return row;
}

/**
 * How many values a statement written with numbered parameters takes: its highest `?N`
 * (SQLite's parameter count). The store hands every statement of a batch the same parameter
 * list and each uses what it needs; SQLite ignores the rest, D1 refuses a count that differs.
 */
function numberedCount(sql: string): number | null {
  let max = 0;
  for (const m of sql.matchAll(/\?(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max > 0 ? max : null;
}

export function d1Driver(db: D1Like): SqlDriver {
  const counts = new Map<string, number | null>();
  const statement = (sql: string, params?: readonly SqlValue[]) => {
    const stmt = db.prepare(sql);
    if (!params || params.length === 0) return stmt;
    let count = counts.get(sql);
    if (count === undefined) counts.set(sql, (count = numberedCount(sql)));
    return stmt.bind(...(count === null ? params : params.slice(0, count)).map(bindable));
  };
  return {
    async all<T>(sql: string, params?: readonly SqlValue[]) {
      return (await statement(sql, params).all<T>()).results.map(rowFromD1);
    },
    async get<T>(sql: string, params?: readonly SqlValue[]) {
      const row = await statement(sql, params).first<T>();
      return row === null ? undefined : rowFromD1(row);
    },
    async values(sql: string, params?: readonly SqlValue[]) {
      const rows = await statement(sql, params).raw<SqlValue[]>();
      for (const row of rows) for (let i = 0; i < row.length; i++) if (Array.isArray(row[i])) row[i] = fromD1(row[i]) as SqlValue;
      return rows;
    },
    async run(sql: string, params?: readonly SqlValue[]) {
      const { meta } = await statement(sql, params).run();
      return { changes: meta.changes ?? 0, lastRowId: meta.last_row_id ?? 0 };
    },
    async batch(statements: readonly SqlStatement[]) {
      if (statements.length === 0) return [];
      const results = await db.batch(statements.map((s) => statement(s.sql, s.params)));
      return results.map((r) => ({ changes: r.meta.changes ?? 0 }));
    },
    async exec() {
      throw new Error('D1: apply the schema with `wrangler d1 migrations apply` (migrations/), not from the Worker');
    },
  };
}
