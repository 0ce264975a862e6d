// Vitest global setup: one throwaway PostgreSQL cluster for the whole run (initdb + pg_ctl into
// a temporary directory, loopback only), stopped and deleted at teardown. With
// CONFSCOPE_TEST_PG_URL set, that server is used instead and nothing is started. Each test file
// creates its own databases on it (test/pg.ts). When the server binaries are missing the PG
// tests fail with the reason (the rest of the suite still runs).

import type { TestProject } from 'vitest/node';
import { startThrowawayCluster, type PgCluster } from '../bench/pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL server, or '' when there is none. */
    pgUrl: string;
    /** Why there is no server, when pgUrl is ''. */
    pgError: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env['CONFSCOPE_TEST_PG_URL'];
  if (given) {
    project.provide('pgUrl', given);
    project.provide('pgError', '');
    return () => Promise.resolve();
  }
  let cluster: PgCluster | undefined;
  try {
    cluster = await startThrowawayCluster();
    project.provide('pgUrl', cluster.url);
    project.provide('pgError', '');
  } catch (e) {
    project.provide('pgUrl', '');
    project.provide('pgError', (e as Error).message);
  }
  return async () => {
    await cluster?.stop();
  };
}
