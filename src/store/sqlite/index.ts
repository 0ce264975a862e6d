// SQLite implementation of the Store (better-sqlite3 v12): one file, WAL mode, every ingest in
// a single transaction so a failure leaves the database exactly as it was.

import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { ConfscopeError } from '../../core/errors.js';
import { recordExtras, type PaperExtras, type PaperRecord, type Track } from '../../core/types.js';
import {
  ownedBytes,
  type CorpusInfo,
  type CorpusMeta,
  type IngestSummary,
  type StagedIngest,
  type Store,
} from '../types.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { readModelsInParallel } from './parallel-read.js';

interface PaperRow {
  corpus: string;
  id: string;
  ord: number;
  title: string | null;
  authors: string;
  track: string | null;
  abstract: string;
  links: string;
  source_path: string;
  start_line: number;
  end_line: number;
  warnings: string;
  extras: string;
  content_hash: string;
}

interface CorpusRow {
  name: string;
  source_path: string;
  source_hash: string;
  warnings: string;
  ingested_at: string;
  papers: number;
}

/** Hash of what a record says (not where it was found); extras count only when present. */
export function contentHash(r: PaperRecord): string {
  const extras = recordExtras(r);
  const parts: unknown[] = [r.title, r.authors, r.track, r.abstract, r.links];
  if (Object.keys(extras).length) parts.push(extras);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function toRow(corpus: string, ord: number, r: PaperRecord): PaperRow {
  return {
    corpus,
    id: r.id,
    ord,
    title: r.title,
    authors: JSON.stringify(r.authors),
    track: r.track,
    abstract: r.abstract,
    links: JSON.stringify(r.links),
    source_path: r.source.path,
    start_line: r.source.startLine,
    end_line: r.source.endLine,
    warnings: JSON.stringify(r.warnings),
    extras: JSON.stringify(recordExtras(r)),
    content_hash: contentHash(r),
  };
}

/** A JSON list column; the common empty one without parsing (a million rows are read at start). */
const listOf = (json: string): string[] => (json === '[]' ? [] : (JSON.parse(json) as string[]));

/** The columns a record is read from (not the corpus, known, nor the 64-character hash). */
type ReadRow = Omit<PaperRow, 'corpus' | 'content_hash'>;
const READ_COLUMNS =
  'id, ord, title, authors, track, abstract, links, source_path, start_line, end_line, warnings, extras';

function fromRow(row: ReadRow): PaperRecord {
  const r: PaperRecord = {
    id: row.id,
    title: row.title,
    authors: listOf(row.authors),
    track: row.track as Track | null,
    abstract: row.abstract,
    links: listOf(row.links),
    source: { path: row.source_path, startLine: row.start_line, endLine: row.end_line },
    warnings: listOf(row.warnings),
  };
  return row.extras === '{}' ? r : Object.assign(r, JSON.parse(row.extras) as PaperExtras);
}

export class SqliteStore implements Store, StagedIngest {
  readonly db: Database.Database;

  constructor(readonly path: string) {
    try {
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.migrate();
    } catch (e) {
      if (e instanceof ConfscopeError) throw e;
      throw new ConfscopeError(
        'STORE_ERROR',
        `${path}: cannot open as a confscope SQLite database (${(e as Error).message})`,
        { cause: e },
      );
    }
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > SQLITE_MIGRATIONS.length) {
      throw new ConfscopeError(
        'STORE_ERROR',
        `${this.path}: database schema version ${current} is newer than this confscope (${SQLITE_MIGRATIONS.length}); upgrade confscope`,
      );
    }
    for (let v = current; v < SQLITE_MIGRATIONS.length; v++) {
      const sql = SQLITE_MIGRATIONS[v] ?? '';
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  replaceCorpus(corpus: string, records: PaperRecord[], meta: CorpusMeta): Promise<IngestSummary> {
    const db = this.db;
    const existing = db.prepare<[string], PaperRow>('SELECT * FROM papers WHERE corpus = ?');
    const upsertCorpus = db.prepare(
      `INSERT INTO corpora (name, source_path, source_hash, warnings, ingested_at)
       VALUES (@name, @source_path, @source_hash, @warnings, @ingested_at)
       ON CONFLICT(name) DO UPDATE SET source_path = excluded.source_path,
         source_hash = excluded.source_hash, warnings = excluded.warnings,
         ingested_at = CASE WHEN corpora.source_hash = excluded.source_hash
                            THEN corpora.ingested_at ELSE excluded.ingested_at END`,
    );
    const upsert = db.prepare(
      `INSERT INTO papers (corpus, id, ord, title, authors, track, abstract, links, source_path,
         start_line, end_line, warnings, extras, content_hash)
       VALUES (@corpus, @id, @ord, @title, @authors, @track, @abstract, @links, @source_path,
         @start_line, @end_line, @warnings, @extras, @content_hash)
       ON CONFLICT(corpus, id) DO UPDATE SET ord = excluded.ord, title = excluded.title,
         authors = excluded.authors, track = excluded.track, abstract = excluded.abstract,
         links = excluded.links, source_path = excluded.source_path,
         start_line = excluded.start_line, end_line = excluded.end_line,
         warnings = excluded.warnings, extras = excluded.extras,
         content_hash = excluded.content_hash`,
    );
    const remove = db.prepare('DELETE FROM papers WHERE corpus = ? AND id = ?');

    const run = db.transaction((): IngestSummary => {
      const summary: IngestSummary = {
        corpus,
        total: records.length,
        added: 0,
        updated: 0,
        moved: 0,
        unchanged: 0,
        removed: 0,
      };
      upsertCorpus.run({
        name: corpus,
        source_path: meta.sourcePath,
        source_hash: meta.sourceHash,
        warnings: JSON.stringify(meta.warnings),
        ingested_at: new Date().toISOString(),
      });
      const before = new Map(existing.all(corpus).map((row) => [row.id, row]));
      records.forEach((r, ord) => {
        const row = toRow(corpus, ord, r);
        const old = before.get(r.id);
        before.delete(r.id);
        if (!old) summary.added++;
        else if (old.content_hash !== row.content_hash) summary.updated++;
        else if (
          old.ord !== row.ord ||
          old.start_line !== row.start_line ||
          old.end_line !== row.end_line ||
          old.source_path !== row.source_path ||
          old.warnings !== row.warnings
        ) {
          summary.moved++;
        } else {
          summary.unchanged++;
          return;
        }
        upsert.run(row);
      });
      for (const id of before.keys()) {
        remove.run(corpus, id);
        summary.removed++;
      }
      return summary;
    });
    try {
      return Promise.resolve(run.immediate());
    } catch (e) {
      return Promise.reject(
        new ConfscopeError(
          'STORE_ERROR',
          `${this.path}: ingest of corpus "${corpus}" failed and was rolled back (${(e as Error).message})`,
          { cause: e },
        ),
      );
    }
  }

  beginStaged(corpus: string, sourceHash: string): Promise<number> {
    const db = this.db;
    return this.guard(corpus, 'staging', () =>
      db
        .transaction((): number => {
          const row = db
            .prepare<[string], { source_hash: string }>(
              'SELECT source_hash FROM staged_ingests WHERE corpus = ?',
            )
            .get(corpus);
          if (row?.source_hash === sourceHash) return this.stagedCount(corpus);
          db.prepare('DELETE FROM staged_ingests WHERE corpus = ?').run(corpus);
          db.prepare(
            'INSERT INTO staged_ingests (corpus, source_hash, started_at) VALUES (?, ?, ?)',
          ).run(corpus, sourceHash, new Date().toISOString());
          return 0;
        })
        .immediate(),
    );
  }

  private stagedCount(corpus: string): number {
    const row = this.db
      .prepare<[string], { n: number | null }>(
        'SELECT max(ord) + 1 AS n FROM staged_papers WHERE corpus = ?',
      )
      .get(corpus);
    return row?.n ?? 0;
  }

  appendStaged(corpus: string, records: readonly PaperRecord[]): Promise<void> {
    const db = this.db;
    const insert = db.prepare(
      `INSERT INTO staged_papers (corpus, id, ord, title, authors, track, abstract, links,
         source_path, start_line, end_line, warnings, extras, content_hash)
       VALUES (@corpus, @id, @ord, @title, @authors, @track, @abstract, @links, @source_path,
         @start_line, @end_line, @warnings, @extras, @content_hash)`,
    );
    return this.guard(corpus, 'staging', () =>
      db
        .transaction(() => {
          const begun = db.prepare('SELECT 1 FROM staged_ingests WHERE corpus = ?').get(corpus);
          if (!begun) throw new Error('no staged ingest begun for this corpus (call beginStaged)');
          const start = this.stagedCount(corpus);
          records.forEach((r, i) => insert.run(toRow(corpus, start + i, r)));
        })
        .immediate(),
    );
  }

  commitStaged(corpus: string, meta: CorpusMeta): Promise<IngestSummary> {
    const db = this.db;
    const cols = `title, authors, track, abstract, links, source_path, start_line, end_line,
      warnings, extras, content_hash`;
    return this.guard(corpus, 'ingest', () =>
      db
        .transaction((): IngestSummary => {
          const begun = db.prepare('SELECT 1 FROM staged_ingests WHERE corpus = ?').get(corpus);
          if (!begun) throw new Error('no staged ingest begun for this corpus (call beginStaged)');
          const counts = db
            .prepare<[string, string], Omit<IngestSummary, 'corpus' | 'removed'>>(
              `SELECT count(*) AS total,
               coalesce(sum(p.id IS NULL), 0) AS added,
               coalesce(sum(p.content_hash <> s.content_hash), 0) AS updated,
               coalesce(sum(p.content_hash = s.content_hash AND (p.ord <> s.ord
                 OR p.start_line <> s.start_line OR p.end_line <> s.end_line
                 OR p.source_path <> s.source_path OR p.warnings <> s.warnings)), 0) AS moved,
               coalesce(sum(p.content_hash = s.content_hash AND p.ord = s.ord
                 AND p.start_line = s.start_line AND p.end_line = s.end_line
                 AND p.source_path = s.source_path AND p.warnings = s.warnings), 0) AS unchanged
             FROM staged_papers s LEFT JOIN papers p ON p.corpus = ? AND p.id = s.id
             WHERE s.corpus = ?`,
            )
            .get(corpus, corpus);
          db.prepare(
            `INSERT INTO corpora (name, source_path, source_hash, warnings, ingested_at)
           VALUES (@name, @source_path, @source_hash, @warnings, @ingested_at)
           ON CONFLICT(name) DO UPDATE SET source_path = excluded.source_path,
             source_hash = excluded.source_hash, warnings = excluded.warnings,
             ingested_at = CASE WHEN corpora.source_hash = excluded.source_hash
                                THEN corpora.ingested_at ELSE excluded.ingested_at END`,
          ).run({
            name: corpus,
            source_path: meta.sourcePath,
            source_hash: meta.sourceHash,
            warnings: JSON.stringify(meta.warnings),
            ingested_at: new Date().toISOString(),
          });
          const removed = db
            .prepare(
              `DELETE FROM papers WHERE corpus = ?
               AND id NOT IN (SELECT id FROM staged_papers WHERE corpus = ?)`,
            )
            .run(corpus, corpus).changes;
          // In id order: papers is clustered by (corpus, id), so a large corpus is appended page by
          // page instead of splitting pages at random (much faster at a million papers).
          db.prepare(
            `INSERT INTO papers (corpus, id, ord, ${cols})
           SELECT corpus, id, ord, ${cols} FROM staged_papers WHERE corpus = ? ORDER BY id
           ON CONFLICT(corpus, id) DO UPDATE SET ord = excluded.ord, title = excluded.title,
             authors = excluded.authors, track = excluded.track, abstract = excluded.abstract,
             links = excluded.links, source_path = excluded.source_path,
             start_line = excluded.start_line, end_line = excluded.end_line,
             warnings = excluded.warnings, extras = excluded.extras,
             content_hash = excluded.content_hash
           WHERE papers.content_hash <> excluded.content_hash OR papers.ord <> excluded.ord
             OR papers.start_line <> excluded.start_line OR papers.end_line <> excluded.end_line
             OR papers.source_path <> excluded.source_path OR papers.warnings <> excluded.warnings`,
          ).run(corpus);
          db.prepare('DELETE FROM staged_papers WHERE corpus = ?').run(corpus);
          db.prepare('DELETE FROM staged_ingests WHERE corpus = ?').run(corpus);
          return {
            corpus,
            total: counts?.total ?? 0,
            added: counts?.added ?? 0,
            updated: counts?.updated ?? 0,
            moved: counts?.moved ?? 0,
            unchanged: counts?.unchanged ?? 0,
            removed,
          };
        })
        .immediate(),
    );
  }

  /** Run a write; a failure becomes a STORE_ERROR naming the corpus (the transaction rolled back). */
  private guard<T>(corpus: string, what: string, fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(
        new ConfscopeError(
          'STORE_ERROR',
          `${this.path}: ${what} of corpus "${corpus}" failed and was rolled back (${(e as Error).message})`,
          { cause: e },
        ),
      );
    }
  }

  listPapers(corpus?: string): Promise<PaperRecord[]> {
    const names =
      corpus === undefined
        ? this.db.prepare<[], string>('SELECT name FROM corpora ORDER BY name').pluck().all()
        : [corpus];
    const out: PaperRecord[] = [];
    for (const name of names) for (const r of this.corpusPapers(name)) out.push(r);
    return Promise.resolve(out);
  }

  /**
   * A corpus's records in file order. Read in the table's own (key) order and put in file order
   * here: `ORDER BY ord` walks the order index and looks every row up in the table, which at a
   * million papers is random reads (25–95 s against 7–11 s).
   */
  private corpusPapers(corpus: string): PaperRecord[] {
    // The columns named: `SELECT *` also read each row's hash and corpus, 13 s against 8 s at a
    // million papers.
    const stmt = this.db.prepare<[string], ReadRow>(
      `SELECT ${READ_COLUMNS} FROM papers WHERE corpus = ?`,
    );
    const records: PaperRecord[] = [];
    const ords: number[] = [];
    // Every row carries its own copy of the source path and the track: one string each is kept
    // (a million papers' copies are two million strings every garbage collection walks).
    const shared = new Map<string, string>();
    const share = (v: string) => {
      const s = shared.get(v);
      if (s !== undefined) return s;
      if (shared.size < 64) shared.set(v, v);
      return v;
    };
    for (const row of stmt.iterate(corpus)) {
      row.source_path = share(row.source_path);
      if (row.track !== null) row.track = share(row.track);
      records.push(fromRow(row));
      ords.push(row.ord);
    }
    const order = Array.from(records.keys()).sort((a, b) => (ords[a] ?? 0) - (ords[b] ?? 0));
    return order.map((i) => records[i] as PaperRecord);
  }

  getPaper(id: string, corpus?: string): Promise<PaperRecord | null> {
    const row =
      corpus === undefined
        ? this.db
            .prepare<[string], PaperRow>(
              'SELECT * FROM papers WHERE id = ? ORDER BY corpus LIMIT 1',
            )
            .get(id)
        : this.db
            .prepare<[string, string], PaperRow>('SELECT * FROM papers WHERE corpus = ? AND id = ?')
            .get(corpus, id);
    return Promise.resolve(row ? fromRow(row) : null);
  }

  listCorpora(): Promise<CorpusInfo[]> {
    const rows = this.db
      .prepare<[], CorpusRow>(
        `SELECT c.*, (SELECT count(*) FROM papers p WHERE p.corpus = c.name) AS papers
         FROM corpora c ORDER BY c.name`,
      )
      .all();
    return Promise.resolve(
      rows.map((r) => ({
        name: r.name,
        sourcePath: r.source_path,
        sourceHash: r.source_hash,
        warnings: JSON.parse(r.warnings) as string[],
        ingestedAt: r.ingested_at,
        papers: r.papers,
      })),
    );
  }

  getVectors(model: string, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    const get = this.db.prepare<[string, string], { vector: Buffer }>(
      'SELECT vector FROM embeddings WHERE model = ? AND content_hash = ?',
    );
    for (const h of hashes) {
      const row = get.get(model, h);
      if (row) out.set(h, bufferToFloats(row.vector));
    }
    return Promise.resolve(out);
  }

  putVectors(model: string, entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
    const put = this.db.prepare(
      'INSERT OR REPLACE INTO embeddings (model, content_hash, dim, vector) VALUES (?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const [h, v] of entries)
        put.run(model, h, v.length, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    })();
    return Promise.resolve();
  }

  getModel(id: string): Promise<Uint8Array | null> {
    const row = this.db
      .prepare<[string], { data: Buffer }>('SELECT data FROM models WHERE id = ?')
      .get(id);
    return Promise.resolve(row ? ownedBytes(row.data) : null);
  }

  async readModels(ids: readonly string[]): Promise<Map<string, Uint8Array | null>> {
    // A database only this connection sees has no file for other readers.
    if (this.path === ':memory:' || this.path === '') {
      const out = new Map<string, Uint8Array | null>();
      for (const id of ids) out.set(id, await this.getModel(id));
      return out;
    }
    return readModelsInParallel(this.path, ids);
  }

  putModel(id: string, data: Uint8Array): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO models (id, data, created_at) VALUES (?, ?, ?)')
      .run(id, Buffer.from(data), new Date().toISOString());
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}

/** Copy a BLOB into an aligned Float32Array (a Buffer's offset need not be 4-aligned). */
function bufferToFloats(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
