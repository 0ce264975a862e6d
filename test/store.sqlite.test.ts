import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../src/ingest/listing.js';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { runStoreContract } from './store.contract.js';
import { runStagedIngestContract } from './store.staged.contract.js';

const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'confscope-sqlite-'));
  return { dir, path: join(dir, 'test.db') };
};

runStoreContract('sqlite', () => {
  const { dir, path } = tempDb();
  const store = new SqliteStore(path);
  return Promise.resolve({
    store,
    failOnTitle: (title: string) => {
      store.db.exec(
        `CREATE TRIGGER fail_on_title BEFORE INSERT ON papers WHEN NEW.title = ${JSON.stringify(title).replace(/"/g, "'")}
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
      );
      return Promise.resolve();
    },
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});

runStagedIngestContract('sqlite', () => {
  const { dir, path } = tempDb();
  return Promise.resolve({
    store: new SqliteStore(path),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});

describe('SQLite staged ingest across processes', () => {
  it('keeps what a killed ingest staged, invisible, and resumes after it', async () => {
    const { dir, path } = tempDb();
    const listing = readFileSync(new URL('../data/iclr2020/listing.md', import.meta.url), 'utf8');
    const records = parseListing(listing, 'l.md').records;
    const first = new SqliteStore(path);
    expect(await first.beginStaged('big', 'src')).toBe(0);
    await first.appendStaged('big', records.slice(0, 300));
    // The process dies without committing (the handle is dropped without a clean shutdown).
    first.db.close();
    const second = new SqliteStore(path);
    expect(await second.listPapers()).toEqual([]);
    expect(await second.beginStaged('big', 'src')).toBe(300);
    await second.appendStaged('big', records.slice(300));
    expect(
      (await second.commitStaged('big', { sourcePath: 'l.md', sourceHash: 'src', warnings: [] }))
        .added,
    ).toBe(687);
    expect(await second.listPapers('big')).toEqual(records);
    const left = second.db.prepare('SELECT count(*) AS n FROM staged_papers').get() as {
      n: number;
    };
    expect(left.n).toBe(0);
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('SQLite schema migrations', () => {
  it('applies from an empty file and is safe to apply twice', async () => {
    const { dir, path } = tempDb();
    await new SqliteStore(path).close();
    const again = new SqliteStore(path);
    expect(again.db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('upgrades a database of the previous version without losing its papers', async () => {
    const { dir, path } = tempDb();
    const raw = new Database(path);
    raw.exec(SQLITE_MIGRATIONS.slice(0, -1).join(';\n'));
    raw.pragma(`user_version = ${SQLITE_MIGRATIONS.length - 1}`);
    raw.exec(`INSERT INTO corpora VALUES ('old', 'x.md', 'h', '[]', '2026-01-01T00:00:00Z');
      INSERT INTO papers (corpus, id, ord, title, authors, track, abstract, links, source_path,
        start_line, end_line, warnings, content_hash)
      VALUES ('old', 'abc', 0, 'A title', '["A. Author"]', 'Poster', 'Text.', '[]', 'x.md',
        1, 3, '[]', 'hash')`);
    raw.close();
    const store = new SqliteStore(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    expect(await store.getPaper('abc', 'old')).toEqual({
      id: 'abc',
      title: 'A title',
      authors: ['A. Author'],
      track: 'Poster',
      abstract: 'Text.',
      links: [],
      source: { path: 'x.md', startLine: 1, endLine: 3 },
      warnings: [],
    });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a database from a newer confscope, and a file that is not a database', () => {
    const { dir, path } = tempDb();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => new SqliteStore(path)).toThrow(/newer than this confscope/);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database, just text that is long enough to have a header');
    expect(() => new SqliteStore(junk)).toThrow(/cannot open as a confscope SQLite database/);
    rmSync(dir, { recursive: true, force: true });
  });
});
