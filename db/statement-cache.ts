import type Database from 'better-sqlite3';

/**
 * Drizzle prepares a fresh better-sqlite3 statement for every query it runs, and SQLite's parser and
 * planner were the largest single cost of a card click. The SQL text drizzle builds for a call site
 * is the same every time (values are bound parameters), so statements are kept by their text and
 * reused: a small LRU, because a few queries (IN lists, VALUES lists) vary in length.
 */
export function cacheStatements(sqlite: Database.Database, capacity = 512): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  const cached = (source: string): Database.Statement => {
    const hit = cache.get(source);
    // A statement still being iterated cannot run again; that rare caller gets a fresh one.
    if (hit && !hit.busy) {
      cache.delete(source);
      cache.set(source, hit);
      // Drizzle switches a statement to raw (array) rows for typed selects; a plain caller of
      // the same text expects objects, so every reuse starts from the default mode.
      if (hit.reader) hit.raw(false).pluck(false).expand(false);
      return hit;
    }
    const statement = prepare(source);
    if (!hit) {
      cache.set(source, statement);
      if (cache.size > capacity) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
    }
    return statement;
  };
  sqlite.prepare = cached as typeof sqlite.prepare;
}
