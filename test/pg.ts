// PostgreSQL helpers for the tests: a fresh database per use on the run's test server
// (test/pg-global-setup.ts), dropped afterwards, so test files never see each other's data.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The test server's superuser URL; throws with the reason when there is none. */
export function pgServerUrl(): string {
  const url = inject('pgUrl');
  if (!url) throw new Error(`no PostgreSQL server for the tests: ${inject('pgError')}`);
  return url;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** CREATE DATABASE with a random name; drop() removes it (closing stray connections). */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const server = pgServerUrl();
  const name = `confscope_${prefix}_${randomBytes(6).toString('hex')}`;
  // The name is [a-z0-9_] only, so quoting it as an identifier is safe.
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad test database name ${name}`);
  await admin(server, `CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  const u = new URL(server);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: () => admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** Run one statement on the server's maintenance database with a short-lived connection. */
export async function admin(serverUrl: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Run statements on one database with a short-lived connection; returns the last rows. */
export async function onDatabase<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql, params)).rows;
  } finally {
    await c.end();
  }
}
