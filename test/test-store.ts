// Which backend a shared test flow runs on. A test file imports a flow (e.g. server.test.ts)
// after choosing the backend, so one flow covers SQLite and PostgreSQL without a copy.

import { openStore } from '../src/app/index.js';
import type { Store } from '../src/store/types.js';
import { createTestDatabase } from './pg.js';

export type TestBackend = 'sqlite' | 'postgres';
let backend: TestBackend = 'sqlite';
let lastUrl: string | undefined;

export function useBackend(b: TestBackend): void {
  backend = b;
}

export function testBackend(): TestBackend {
  return backend;
}

/**
 * A new store on the chosen backend: the SQLite file at `sqlitePath`, or a fresh PostgreSQL
 * database on the test server, dropped when the store is closed.
 */
export async function openTestStore(sqlitePath: string): Promise<Store> {
  if (backend === 'sqlite') return openStore(sqlitePath);
  const db = await createTestDatabase('flow');
  lastUrl = db.url;
  const store = await openStore(db.url);
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await db.drop();
  };
  return store;
}

/** The URL of the PostgreSQL database openTestStore made last (while its store is open). */
export function lastTestDatabaseUrl(): string {
  if (lastUrl === undefined) throw new Error('no PostgreSQL test store opened yet');
  return lastUrl;
}
