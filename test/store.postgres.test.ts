// The PostgreSQL store against the throwaway server of this test run (test/pg-global-setup.ts):
// the Store contract, schema migrations, PostgreSQL full-text search, and what several
// processes on one database need (readers during an ingest, concurrent writers and
// migrations, pooled connections, clean shutdown). Every test gets a fresh database.

import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ConfscopeError } from '../src/core/errors.js';
import { loadSearchDocs } from '../src/app/docs.js';
import type { PaperRecord } from '../src/core/types.js';
import { parseListing } from '../src/ingest/listing.js';
import {
  PostgresStore,
  PostgresStoreError,
  anyWordTerms,
  describePgUrl,
  isStoreUnavailable,
} from '../src/store/postgres/index.js';
import { PG_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { runStoreContract, type StoreHarness } from './store.contract.js';
import { runStagedIngestContract } from './store.staged.contract.js';
import { createTestDatabase, onDatabase, type TestDatabase } from './pg.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const real = parseListing(
  readFileSync(new URL('../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'data/iclr2020/listing.md',
).records;
const meta = (hash = 'h1') => ({ sourcePath: 'x.md', sourceHash: hash, warnings: [] });

async function pgHarness(): Promise<StoreHarness> {
  const db = await createTestDatabase('contract');
  const store = await PostgresStore.open(db.url);
  return {
    store,
    failOnTitle: async (title: string) => {
      await onDatabase(
        db.url,
        `CREATE FUNCTION confscope.fail_on_title() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'injected failure'; END $$`,
      );
      // DDL takes no bind parameters: the title is passed through quote_literal.
      const [row] = await onDatabase<{ q: string }>(db.url, 'SELECT quote_literal($1) AS q', [
        title,
      ]);
      await onDatabase(
        db.url,
        `CREATE TRIGGER fail_on_title BEFORE INSERT OR UPDATE ON confscope.papers
         FOR EACH ROW WHEN (NEW.title = ${row?.q ?? "''"})
         EXECUTE FUNCTION confscope.fail_on_title()`,
      );
    },
    cleanup: () => db.drop(),
  };
}

runStoreContract('postgres', pgHarness);
runStagedIngestContract('postgres', pgHarness);

/** A fresh database and a store on it, both gone after `fn`. */
async function withDb(fn: (db: TestDatabase) => Promise<void>): Promise<void> {
  const db = await createTestDatabase('pg');
  try {
    await fn(db);
  } finally {
    await db.drop();
  }
}

async function withStore(fn: (store: PostgresStore, db: TestDatabase) => Promise<void>) {
  await withDb(async (db) => {
    const store = await PostgresStore.open(db.url);
    try {
      await fn(store, db);
    } finally {
      await store.close();
    }
  });
}

const versions = async (url: string) =>
  (
    await onDatabase<{ version: number }>(
      url,
      'SELECT version FROM confscope.schema_migrations ORDER BY version',
    )
  ).map((r) => r.version);

describe('PostgreSQL schema migrations', () => {
  it('applies from an empty database, and opening again changes nothing', () =>
    withDb(async (db) => {
      const first = await PostgresStore.open(db.url);
      expect(await first.schemaVersion()).toBe(PG_MIGRATIONS.length);
      await first.close();
      const again = await PostgresStore.open(db.url);
      expect(await again.schemaVersion()).toBe(PG_MIGRATIONS.length);
      await again.close();
      expect(await versions(db.url)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    }));

  it('upgrades a database of the previous version, making its papers searchable', () =>
    withDb(async (db) => {
      await onDatabase(
        db.url,
        `CREATE SCHEMA confscope;
         CREATE TABLE confscope.schema_migrations (version integer PRIMARY KEY,
           description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
         ${PG_MIGRATIONS.slice(0, -1)
           .map((m) => m.sql)
           .join(';\n')};
         INSERT INTO confscope.schema_migrations (version, description)
           SELECT v, 'old' FROM generate_series(1, ${PG_MIGRATIONS.length - 1}) v;
         INSERT INTO confscope.corpora VALUES ('old', 'x.md', 'h', '[]', '2026-01-01T00:00:00Z');
         INSERT INTO confscope.papers (corpus, id, ord, title, authors, track, abstract, links,
           source_path, start_line, end_line, warnings, content_hash)
         VALUES ('old', 'abc', 0, 'Zebrafish Tails', '["Gábor Author"]', 'Poster', 'Text.',
           '[]', 'x.md', 1, 3, '[]', 'hash')`,
      );
      const store = await PostgresStore.open(db.url);
      try {
        expect(await store.schemaVersion()).toBe(PG_MIGRATIONS.length);
        expect(await store.getPaper('abc', 'old')).toEqual({
          id: 'abc',
          title: 'Zebrafish Tails',
          authors: ['Gábor Author'],
          track: 'Poster',
          abstract: 'Text.',
          links: [],
          source: { path: 'x.md', startLine: 1, endLine: 3 },
          warnings: [],
        });
        expect((await store.searchText('zebrafish')).map((h) => h.id)).toEqual(['abc']);
        expect((await store.searchText('gabor')).map((h) => h.id)).toEqual(['abc']);
      } finally {
        await store.close();
      }
    }));

  it('several stores opening an empty database at once apply each step exactly once', () =>
    withDb(async (db) => {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => PostgresStore.open(db.url, { max: 2 })),
      );
      for (const s of stores) expect(await s.schemaVersion()).toBe(PG_MIGRATIONS.length);
      await Promise.all(stores.map((s) => s.close()));
      expect(await versions(db.url)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    }));

  it('refuses a newer schema, a database without confscope data when it must exist, and says why it cannot connect', () =>
    withDb(async (db) => {
      await expect(PostgresStore.open(db.url, { mustExist: true })).rejects.toThrow(
        /no confscope data in this database/,
      );
      await (await PostgresStore.open(db.url)).close();
      await onDatabase(
        db.url,
        `INSERT INTO confscope.schema_migrations (version, description) VALUES ($1, 'future')`,
        [PG_MIGRATIONS.length + 1],
      );
      await expect(PostgresStore.open(db.url)).rejects.toThrow(/newer than this confscope/);

      // A port nobody listens on: the message names host and port and never the password.
      const url = 'postgres://someone:s3cret-pw@127.0.0.1:1/nothing';
      const err = await PostgresStore.open(url, { connectTimeoutMs: 3000 }).then(
        () => new Error('opened'),
        (e: unknown) => e as Error,
      );
      expect(err.message).toMatch(/127\.0\.0\.1:1/);
      expect(err.message).toMatch(/cannot connect to PostgreSQL/);
      expect(err.message).not.toContain('s3cret-pw');
      expect(describePgUrl(url)).toBe('postgres://someone@127.0.0.1:1/nothing');
      const wrongDb = new URL(db.url);
      wrongDb.pathname = '/no_such_database';
      wrongDb.password = 'hunter2';
      const err2 = await PostgresStore.open(wrongDb.toString()).then(
        () => new Error('opened'),
        (e: unknown) => e as Error,
      );
      expect(err2.message).toMatch(/no_such_database.*does not exist/);
      expect(err2.message).not.toContain('hunter2');
    }));
});

const doc = (id: string, title: string, abstract: string, extra: Partial<PaperRecord> = {}) =>
  ({
    id,
    title,
    authors: ['Ann Example'],
    track: 'Poster',
    abstract,
    links: [],
    source: { path: 'x.md', startLine: 1, endLine: 2 },
    warnings: [],
    ...extra,
  }) satisfies PaperRecord;

describe('PostgreSQL full-text search', () => {
  it('ranks a title match above an abstract-only match, with authors and keywords between', () =>
    withStore(async (store) => {
      await store.replaceCorpus(
        'c',
        [
          doc('abs3', 'Learning Things', 'We study zebrafish. Zebrafish swim; zebrafish data.'),
          doc('title', 'Zebrafish Locomotion', 'We study fish that swim in tanks.'),
          doc('kw', 'Learning Other Things', 'Nothing about fish here at all.', {
            keywords: ['zebrafish', 'biology'],
          }),
          doc('abs', 'Learning More Things', 'Nothing about fish here but zebrafish.'),
          doc('none', 'Unrelated', 'Graph neural networks.'),
        ],
        meta(),
      );
      const hits = await store.searchText('zebrafish');
      const ids = hits.map((h) => h.id);
      expect(ids).toHaveLength(4);
      // A title match beats even a thrice-repeated abstract match; a keyword beats the abstract.
      expect(ids[0]).toBe('title');
      expect(ids.indexOf('kw')).toBeLessThan(ids.indexOf('abs'));
      expect(hits[0]?.rank).toBeGreaterThan(hits.find((h) => h.id === 'abs3')?.rank ?? Infinity);
      // Authors are searchable (weight B), with diacritics folded both ways.
      await store.replaceCorpus(
        'd',
        [doc('gabor', 'A Paper', 'Zebrafish.', { authors: ['Dénes Gábor'] })],
        meta(),
      );
      expect((await store.searchText('denes gabor')).map((h) => h.id)).toEqual(['gabor']);
      expect((await store.searchText('Gábor', { corpus: 'd' })).map((h) => h.id)).toEqual([
        'gabor',
      ]);
      // The corpus filter keeps corpora apart.
      expect((await store.searchText('zebrafish', { corpus: 'd' })).map((h) => h.id)).toEqual([
        'gabor',
      ]);
    }));

  it('understands websearch syntax on the real corpus: phrases, exclusions, or; and any-word matching', () =>
    withStore(async (store) => {
      await store.replaceCorpus('iclr2020', real, meta());
      const nucleus = await store.searchText('neural text degeneration', { limit: 5 });
      expect(nucleus[0]?.title).toBe('The Curious Case of Neural Text Degeneration');
      const phrase = await store.searchText('"mode connectivity"', { limit: 50 });
      expect(phrase.length).toBeGreaterThan(0);
      for (const h of phrase) {
        const p = await store.getPaper(h.id, h.corpus);
        expect(`${p?.title ?? ''} ${p?.abstract ?? ''}`.toLowerCase()).toMatch(
          /mode[\s-]+connectivity/,
        );
      }
      const gnn = await store.searchText('graph neural', { limit: 1000 });
      const gnnNoAttack = await store.searchText('graph neural -adversarial', { limit: 1000 });
      expect(gnnNoAttack.length).toBeGreaterThan(0);
      expect(gnnNoAttack.length).toBeLessThan(gnn.length);
      for (const h of gnnNoAttack) {
        const p = await store.getPaper(h.id, h.corpus);
        expect(`${p?.title ?? ''} ${p?.abstract ?? ''}`.toLowerCase()).not.toMatch(/adversari/);
      }
      const either = await store.searchText('zebrafish or degeneration', { limit: 50 });
      expect(either.map((h) => h.title)).toContain('The Curious Case of Neural Text Degeneration');
      // `any`: a search box — words OR-ed, the last one a prefix.
      expect(anyWordTerms('Graph  neur, graph NEUR')).toEqual(["'graph'", "'neur':*"]);
      const any = await store.searchText('nucleus degenerat', { match: 'any', limit: 5 });
      expect(any[0]?.title).toBe('The Curious Case of Neural Text Degeneration');
      expect(await store.searchText('the of and', { match: 'any' })).toEqual([]);
    }));

  it('never throws on hostile query text, and bounds its length', () =>
    withStore(async (store) => {
      await store.replaceCorpus('iclr2020', real.slice(0, 50), meta());
      const hostile = [
        '"unbalanced',
        'AND OR NOT ( ) ^ : * & | ! <-> :*',
        "'; DROP TABLE confscope.papers; --",
        '\u0000\u0007ctrl',
        '🤖 emoji 😀',
        '\\ \\\\ \' " $1 %s',
        '-',
        '"" - or or -"',
        'x'.repeat(100_000),
        'a b '.repeat(20_000),
        '\ud800 lone surrogate',
      ];
      for (const q of hostile) {
        for (const match of ['websearch', 'any'] as const) {
          const hits = await store.searchText(q, { match, limit: 10 });
          expect(Array.isArray(hits), q.slice(0, 20)).toBe(true);
        }
      }
      expect(await store.listPapers('iclr2020')).toHaveLength(50);
    }));

  it('the in-process confscope search reads the same documents from PostgreSQL as from SQLite', () =>
    withStore(async (store) => {
      const dir = mkdtempSync(join(tmpdir(), 'confscope-pg-vs-sqlite-'));
      const lite = new SqliteStore(join(dir, 'x.db'));
      try {
        await store.replaceCorpus('iclr2020', real, meta());
        await store.replaceCorpus('b', real.slice(0, 3), meta());
        await lite.replaceCorpus('b', real.slice(0, 3), meta());
        await lite.replaceCorpus('iclr2020', real, meta());
        // The index and the analysis are built from these (server.postgres.test.ts runs the
        // whole HTTP flow on PostgreSQL).
        expect(await loadSearchDocs(store)).toEqual(await loadSearchDocs(lite));
      } finally {
        await lite.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }));
});

describe('PostgreSQL with several processes on one database', () => {
  it('a reader during an ingest sees the whole old corpus, then the whole new one', () =>
    withDb(async (db) => {
      const writer = await PostgresStore.open(db.url, { max: 2 });
      const reader = await PostgresStore.open(db.url, { max: 2 });
      const gate = await PostgresStore.open(db.url, { max: 1 });
      try {
        const oldRecords = real.slice(0, 400);
        await writer.replaceCorpus('iclr2020', oldRecords, meta('old'));
        // Park the next ingest mid-way: a trigger on the 300th paper waits for an advisory lock
        // this test holds, so the ingest has written part of its rows and not committed.
        const blocker = real[500]?.title ?? '';
        await onDatabase(
          db.url,
          `CREATE FUNCTION confscope.wait_gate() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NEW; END $$`,
        );
        const [quoted] = await onDatabase<{ q: string }>(db.url, 'SELECT quote_literal($1) AS q', [
          blocker,
        ]);
        await onDatabase(
          db.url,
          `CREATE TRIGGER wait_gate BEFORE INSERT OR UPDATE ON confscope.papers FOR EACH ROW
           WHEN (NEW.title = ${quoted?.q ?? "''"}) EXECUTE FUNCTION confscope.wait_gate()`,
        );
        const hold = await gate.pool.connect();
        await hold.query('BEGIN');
        await hold.query('SELECT pg_advisory_xact_lock(4242)');
        const edited = real.map((r, i) => (i < 50 ? { ...r, abstract: `${r.abstract} v2` } : r));
        let settled = false;
        const ingest = writer.replaceCorpus('iclr2020', edited, meta('new'));
        void ingest.then(
          () => (settled = true),
          () => (settled = true),
        );
        // Wait until the ingest is parked on the gate (a lock wait, not a timer).
        for (;;) {
          expect(settled, 'the ingest should be waiting on the gate').toBe(false);
          const [w] = await onDatabase<{ n: number }>(
            db.url,
            `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
          );
          if ((w?.n ?? 0) > 0) break;
          await new Promise((r) => setImmediate(r));
        }
        // Mid-ingest: the reader sees exactly the old corpus.
        expect(await reader.listPapers('iclr2020')).toEqual(oldRecords);
        expect((await reader.listCorpora())[0]).toMatchObject({ papers: 400, sourceHash: 'old' });
        expect((await reader.searchText('degeneration')).length).toBe(
          (await writer.searchText('degeneration')).length,
        );
        await hold.query('COMMIT');
        hold.release();
        expect(await ingest).toMatchObject({ added: 287, updated: 50, unchanged: 350 });
        expect(await reader.listPapers('iclr2020')).toEqual(edited);
        expect((await reader.listCorpora())[0]).toMatchObject({ papers: 687, sourceHash: 'new' });
      } finally {
        await Promise.all([writer.close(), reader.close(), gate.close()]);
      }
    }));

  it('a staged ingest killed mid-way stays invisible and resumes from another process', () =>
    withDb(async (db) => {
      const first = await PostgresStore.open(db.url, { max: 2 });
      expect(await first.beginStaged('big', 'src')).toBe(0);
      await first.appendStaged('big', real.slice(0, 300));
      // The process dies: its connections go, what it committed stays.
      await first.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      await first.close().catch(() => undefined);
      const second = await PostgresStore.open(db.url, { max: 2 });
      try {
        expect(await second.listPapers('big')).toEqual([]);
        expect(await second.beginStaged('big', 'src')).toBe(300);
        await second.appendStaged('big', real.slice(300));
        expect((await second.commitStaged('big', meta('src'))).added).toBe(687);
        expect(await second.listPapers('big')).toEqual(real);
        const [left] = await onDatabase<{ n: number }>(
          db.url,
          'SELECT count(*)::int AS n FROM confscope.staged_papers',
        );
        expect(left?.n).toBe(0);
      } finally {
        await second.close();
      }
    }));

  it('concurrent ingests of one corpus take turns and account for each other', () =>
    withDb(async (db) => {
      const a = await PostgresStore.open(db.url, { max: 2 });
      const b = await PostgresStore.open(db.url, { max: 2 });
      try {
        const [sa, sb] = await Promise.all([
          a.replaceCorpus('iclr2020', real, meta()),
          b.replaceCorpus('iclr2020', real, meta()),
        ]);
        const summaries = [sa, sb].sort((x, y) => y.added - x.added);
        expect(summaries[0]).toMatchObject({ added: 687, unchanged: 0 });
        expect(summaries[1]).toMatchObject({ added: 0, unchanged: 687 });
        expect(await b.listPapers()).toEqual(real);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    }));

  it('serves many concurrent reads from a small pool and closes cleanly with reads in flight', () =>
    withDb(async (db) => {
      const writer = await PostgresStore.open(db.url);
      await writer.replaceCorpus('iclr2020', real, meta());
      await writer.close();
      const store = await PostgresStore.open(db.url, { max: 3 });
      const reads = Array.from({ length: 30 }, (_, i) =>
        i % 2 ? store.listPapers('iclr2020') : store.searchText('graph neural networks'),
      );
      const closing = store.close();
      const results = await Promise.all(reads);
      await closing;
      expect(results.filter((r) => r.length === 687)).toHaveLength(15);
      await expect(store.listPapers()).rejects.toThrow();
      const [conns] = await onDatabase<{ n: number }>(
        db.url,
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'confscope'`,
      );
      expect(conns?.n).toBe(0);
    }));
});

/** The rejection of `p` (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
}

/** A STORE_ERROR naming the operation, from the database being unreachable, driver error kept. */
function expectUnavailable(e: unknown, operation: RegExp): void {
  expect(e).toBeInstanceOf(ConfscopeError);
  expect(e).toBeInstanceOf(PostgresStoreError);
  const err = e as PostgresStoreError;
  expect(err.code).toBe('STORE_ERROR');
  expect(err.message).toMatch(operation);
  expect(err.message).not.toMatch(/\n\s+at /);
  expect(isStoreUnavailable(err)).toBe(true);
  expect(err.cause).toBeDefined();
  expect(err.cause).not.toBeInstanceOf(ConfscopeError);
}

describe('PostgreSQL store errors', () => {
  it('every method called while the database is down rejects with STORE_ERROR, and works again once it is back', async () => {
    // Its own throwaway cluster (scripts/pg-throwaway.sh), so the shared test server keeps
    // running; an unhandled 'error' event from the driver would fail the run.
    const root = new URL('..', import.meta.url).pathname;
    const dir = mkdtempSync(join(tmpdir(), 'confscope-pgdown-'));
    chmodSync(dir, 0o755);
    const cluster = join(dir, 'cluster');
    const pgctl = (cmd: string) =>
      execFileSync('bash', [join(root, 'scripts/pg-throwaway.sh'), cmd, cluster], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    try {
      const store = await PostgresStore.open(pgctl('start'), { connectTimeoutMs: 3000 });
      try {
        const docs = [doc('a', 'Graph networks', 'About graphs.')];
        await store.replaceCorpus('c', docs, meta());
        await store.putModel('m', new Uint8Array([1, 2, 3]));
        pgctl('pause');
        const v = new Float32Array([1, 2]);
        const calls: [Promise<unknown>, RegExp][] = [
          [store.replaceCorpus('c', docs, meta('h2')), /ingest of corpus "c" failed/],
          [store.beginStaged('c', 'h3'), /staging of corpus "c" failed/],
          [store.appendStaged('c', docs), /staging of corpus "c" failed/],
          [store.commitStaged('c', meta('h3')), /ingest of corpus "c" failed/],
          [store.listPapers(), /listing papers failed/],
          [store.listPapers('c'), /listing papers of corpus "c" failed/],
          [store.getPaper('a'), /reading paper "a" failed/],
          [store.listCorpora(), /listing corpora failed/],
          [store.getVectors('lsa', ['h']), /reading lsa vectors failed/],
          [store.putVectors('lsa', [['h', v]]), /saving lsa vectors failed/],
          [store.getModel('m'), /reading model "m" failed/],
          [store.putModel('m', new Uint8Array([4])), /saving model "m" failed/],
          [store.schemaVersion(), /reading the schema version failed/],
          [store.searchText('graph'), /full-text search failed/],
        ];
        for (const [call, operation] of calls) {
          const e = await rejection(call);
          expectUnavailable(e, operation);
          expect((e as Error).message).toMatch(/cannot connect to PostgreSQL|connection/);
        }
        // A second round meets no stale state (the pool dropped its dead connections).
        expectUnavailable(await rejection(store.listCorpora()), /listing corpora/);

        pgctl('resume');
        expect((await store.listPapers('c')).map((p) => p.id)).toEqual(['a']);
        expect(await store.getModel('m')).toEqual(new Uint8Array([1, 2, 3]));
        await store.replaceCorpus('c', docs, meta('h4'));
        expect((await store.listCorpora()).map((c) => c.sourceHash)).toEqual(['h4']);
      } finally {
        await store.close();
      }
    } finally {
      try {
        pgctl('stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 120_000);

  it('a connection terminated in the middle of a transaction rejects with STORE_ERROR and does not crash', () =>
    withStore(async (store, db) => {
      await store.replaceCorpus('c', [doc('a', 'Old', 'Old.')], meta());
      // Another session holds the corpus's ingest lock, so the ingest waits inside its
      // transaction on a checked-out connection; that backend is then terminated.
      const holder = new pg.Client({ connectionString: db.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [0x636f6e66, 'c']);
        const ingest = rejection(store.replaceCorpus('c', [doc('b', 'New', 'New.')], meta('h2')));
        let waiting: number | undefined;
        for (let i = 0; i < 200 && waiting === undefined; i++) {
          const [row] = await onDatabase<{ pid: number }>(
            db.url,
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
               AND application_name = 'confscope' AND wait_event_type = 'Lock'`,
          );
          waiting = row?.pid;
          if (waiting === undefined) await new Promise((r) => setTimeout(r, 50));
        }
        expect(waiting).toBeDefined();
        await onDatabase(db.url, 'SELECT pg_terminate_backend($1)', [waiting]);
        const e = await ingest;
        expectUnavailable(e, /ingest of corpus "c" failed and was rolled back/);
        expect((e as PostgresStoreError).pgCode).toBe('57P01');
        // The driver reports the closed socket after the query failed: give it time to.
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
      // Nothing changed, and the store carries on with a fresh connection.
      expect((await store.listPapers('c')).map((p) => p.id)).toEqual(['a']);
      await store.replaceCorpus('c', [doc('b', 'New', 'New.')], meta('h2'));
      expect((await store.listPapers('c')).map((p) => p.id)).toEqual(['b']);
    }));

  it('a query error is a STORE_ERROR naming the operation, not a connection failure', () =>
    withStore(async (store, db) => {
      await onDatabase(db.url, 'DROP TABLE confscope.models');
      const e = await rejection(store.getModel('m'));
      expect(e).toBeInstanceOf(PostgresStoreError);
      expect((e as PostgresStoreError).code).toBe('STORE_ERROR');
      expect((e as Error).message).toMatch(/reading model "m" failed: .*models.*does not exist/);
      expect((e as PostgresStoreError).pgCode).toBe('42P01');
      expect(isStoreUnavailable(e)).toBe(false);
    }));

  it('a closed store refuses with STORE_ERROR', async () => {
    const db = await createTestDatabase('closed');
    try {
      const store = await PostgresStore.open(db.url);
      await store.close();
      const e = await rejection(store.listCorpora());
      expect(e).toBeInstanceOf(PostgresStoreError);
      expect((e as Error).message).toMatch(/listing corpora failed: the store is closed/);
      expect(isStoreUnavailable(e)).toBe(false);
    } finally {
      await db.drop();
    }
  });
});
