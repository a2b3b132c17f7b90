import Database from 'better-sqlite3';
import { type Column, getTableColumns, Param, type SQL, sql, type Table } from 'drizzle-orm';
import type { Db } from './client';

/** The database or a transaction (or savepoint) opened on it. */
export type Handle = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

interface Session {
  client: Database.Database;
}

/**
 * The database and every transaction opened on it share one drizzle session, which holds the one
 * better-sqlite3 connection: what is prepared is kept by it, so a statement prepared from any of
 * them serves them all, and run inside a transaction it reads what that transaction wrote.
 * (`session` is drizzle's own field, not in its types; the hot-path test fails if it moves.)
 */
function sessionOf(db: Handle): Session {
  return (db as unknown as { session: Session }).session;
}

/**
 * A query prepared once per database: drizzle builds a query's SQL anew on every call (the largest
 * cost of a click, more than SQLite's work), while a prepared query only binds its values. `build`
 * makes the query with `sql.placeholder`s for what varies and ends in `.prepare()`; keep it a
 * module-level constant so it is built once.
 *
 * A placeholder compared in a `where` is bound as given (drizzle encodes only the values it wraps
 * itself): pass `stored(column, name)` where the column stores a Date, boolean or JSON.
 */
export function prepared<Q>(build: (db: Handle) => Q): (db: Handle) => Q {
  const byConnection = new WeakMap<Session, Q>();
  return (db) => {
    const session = sessionOf(db);
    let query = byConnection.get(session);
    if (query === undefined) {
      query = build(db);
      byConnection.set(session, query);
    }
    return query;
  };
}

/**
 * For a statement whose columns follow the values given (an insert's columns, an update's SET,
 * where an undefined value leaves the column to its default or as it is): one prepared statement
 * per set of columns, which `build` makes with `stored` placeholders named after the columns.
 * Call sites have a few dozen shapes; past `limit` a shape is built for its one call, as drizzle
 * does, so no caller can grow the set without bound.
 */
export function preparedByShape<Q>(build: (db: Handle, columns: readonly string[]) => Q, limit = 256) {
  const shapes = new Map<string, (db: Handle) => Q>();
  return (db: Handle, columns: readonly string[]): Q => {
    const key = columns.join(',');
    let shape = shapes.get(key);
    if (!shape) {
      if (shapes.size >= limit) return build(db, columns);
      shape = prepared((handle) => build(handle, columns));
      shapes.set(key, shape);
    }
    return shape(db);
  };
}

/**
 * Hand-written SQL (`?` parameters), prepared once per database like `prepared`. A statement of its
 * own, not the statement cache's (statement-cache.ts), so no other caller of the same text can
 * leave it plucking or raw.
 */
export function preparedSql<P extends unknown[], R>(
  source: string,
): (db: Handle) => Database.Statement<P, R> {
  return prepared(
    (db) => Database.prototype.prepare.call(sessionOf(db).client, source) as Database.Statement<P, R>,
  );
}

/**
 * A placeholder bound as a value of `column` is stored (a Date as its milliseconds, JSON as text),
 * null as NULL: drizzle's own placeholders pass null to the column's encoder (JSON `'null'`, or a
 * Date's `getTime` of null), where a value it builds into the SQL would be NULL.
 */
export function stored(column: Column, name: string): SQL {
  const encoder = { mapToDriverValue: (v: unknown) => (v === null ? null : column.mapToDriverValue(v)) };
  return sql`${new Param(sql.placeholder(name), encoder)}`;
}

/** `stored` for each of these columns under its own key: the values of a prepared insert or update. */
export function storedValues<T extends Table, K extends keyof T['$inferInsert'] & string>(
  table: T,
  keys: readonly K[],
): Record<K, SQL> {
  const columns = getTableColumns(table);
  const values = {} as Record<K, SQL>;
  for (const key of keys) {
    const column = columns[key];
    if (!column) throw new Error(`${key} is not a column`);
    values[key] = stored(column, key);
  }
  return values;
}

/** A placeholder for a list of values, bound as one JSON array: `column IN` it, whatever its length. */
export function inList(column: Column, name: string): SQL {
  return sql`${column} in (select value from json_each(${sql.placeholder(name)}))`;
}
