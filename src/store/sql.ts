/**
 * The smallest database surface the SQL store needs, so a driver is a few lines:
 * better-sqlite3 on Node, D1 on Workers. `batch` must be atomic (one transaction).
 */
/** Uint8Array for BLOB columns (brand logos): better-sqlite3 and D1 both bind it. */
export type SqlValue = string | number | null | Uint8Array;

export interface SqlStatement {
  sql: string;
  params?: readonly SqlValue[];
}

export interface SqlDriver {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Rows as arrays in SELECT order: no per-row object with named properties on hot read paths. */
  values(sql: string, params?: readonly SqlValue[]): Promise<SqlValue[][]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number; lastRowId: number }>;
  /** Runs all statements in one transaction: all take effect or none. */
  batch(statements: readonly SqlStatement[]): Promise<Array<{ changes: number }>>;
  /** Runs a multi-statement script (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Migration {
  /** file name, e.g. `0001_catalog.sql`; applied in name order */
  name: string;
  sql: string;
}
