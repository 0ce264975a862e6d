// PostgreSQL implementation of the Store (node-postgres Pool): for a deployment that serves many
// users or runs several confscope processes on one database. Every statement is parameterized;
// every ingest is one transaction (readers keep seeing the previous corpus until it commits);
// writers of one corpus take turns under an advisory lock; the schema is migrated on open under
// another advisory lock. It also offers PostgreSQL's own full-text search (searchText).

import pg from 'pg';
import { ConfscopeError } from '../../core/errors.js';
import { recordExtras, type PaperExtras, type PaperRecord, type Track } from '../../core/types.js';
import { contentHash } from '../sqlite/index.js';
import {
  ownedBytes,
  type CorpusInfo,
  type CorpusMeta,
  type IngestSummary,
  type StagedIngest,
  type Store,
} from '../types.js';
import { PG_MIGRATIONS } from './migrations.js';

/** First key of every advisory lock confscope takes ("conf"); the second says which lock. */
const LOCK_CLASS = 0x636f6e66;
const MIGRATION_LOCK = 1;
/** Rows per INSERT … SELECT FROM unnest(…) statement. */
const BATCH = 500;
/** Longest query text searchText looks at; the rest is ignored. */
export const MAX_QUERY_CHARS = 1000;
const MAX_QUERY_WORDS = 64;

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * What a URL may show in messages and logs: scheme, user, host, port and database, never a
 * password (neither in the authority nor as a query parameter).
 */
export function describePgUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    const socket = u.searchParams.get('host');
    const host = u.host || (socket !== null ? `(socket ${socket})` : 'localhost');
    return `${u.protocol}//${user}${host}${u.pathname}`;
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * Every failure of a PostgresStore method: code STORE_ERROR, a message naming the database, the
 * operation and the cause, and the driver's error as `cause`. `unavailable` says the database
 * could not be reached or dropped the connection (refused, reset, timed out, shutting down:
 * worth a retry); `pgCode` is the driver's code (a SQLSTATE such as 53100 or an errno name such
 * as ECONNREFUSED), when there is one.
 */
export class PostgresStoreError extends ConfscopeError {
  readonly unavailable: boolean;
  readonly pgCode: string | undefined;
  constructor(message: string, options: { cause?: unknown; unavailable?: boolean } = {}) {
    super('STORE_ERROR', message, { cause: options.cause });
    this.name = 'PostgresStoreError';
    this.pgCode = driverCode(options.cause);
    this.unavailable = options.unavailable ?? isConnectionFailure(options.cause);
  }
}

/** Is this a STORE_ERROR from a database that could not be reached (a retry may succeed)? */
export function isStoreUnavailable(e: unknown): boolean {
  return e instanceof PostgresStoreError && e.unavailable;
}

/** Socket errno names that mean the server cannot be reached or dropped the connection. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/** Messages node-postgres and pg-pool give connection failures that carry no code. */
const CONNECTION_MESSAGES =
  /^Connection terminated|connection timeout|timeout exceeded when trying to connect|is not queryable/i;

/** The first `code` string along an error's cause chain. */
function driverCode(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur && depth < 8; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && !(cur instanceof ConfscopeError)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A connection-class failure anywhere along the cause chain: a socket errno, SQLSTATE class 08
 * (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect now), 53300 (too
 * many connections), or a driver message about a lost connection.
 */
export function isConnectionFailure(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && depth < 8; depth++) {
    if (cur instanceof PostgresStoreError) return cur.unavailable;
    const { code, message } = cur as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (CONNECTION_ERRNOS.has(code) || /^08...$|^57P0[1-3]$|^53300$/.test(code)) return true;
    }
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
    // AggregateError (a host resolving to several addresses, every one refused).
    const errors = (cur as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((x) => isConnectionFailure(x))) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

export interface PostgresStoreOptions {
  /** Refuse a database without a confscope schema (read-only commands). */
  mustExist?: boolean;
  /** Pool size (default $CONFSCOPE_PG_POOL or 10). */
  max?: number;
  /** Give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
}

export type PgvectorStatus = 'installed' | 'available' | 'absent';

export interface TextSearchOptions {
  corpus?: string;
  limit?: number;
  /**
   * `websearch`: the query in websearch_to_tsquery syntax ("a phrase", -word, or): every word
   * must match. `any`: the words OR-ed, the last one also as a prefix (a search box).
   */
  match?: 'websearch' | 'any';
  /** Ranking weights for D (abstract), C (keywords), B (authors), A (title). */
  weights?: readonly [number, number, number, number];
  /** Normalization bit mask of the ranking function. */
  normalization?: number;
  /** `any` only: rank each word with ts_rank or ts_rank_cd. */
  ranking?: 'rank' | 'rank_cd';
}

export interface TextHit {
  id: string;
  corpus: string;
  title: string | null;
  rank: number;
}

type Weights = readonly [number, number, number, number];

/**
 * Ranking defaults per match mode. `websearch` (every word required): ts_rank_cd with
 * PostgreSQL's documented default weights, so the title dominates. `any`: tuned on the
 * search-quality set (bench/quality/tune-pg.ts): ts_rank per word with mild field weights and
 * log-length normalization scored best (MRR@10 0.82; with the title weighted 10× the abstract,
 * 0.74, because paraphrased queries match abstracts).
 */
export const TEXT_RANKING_DEFAULTS: Record<
  'websearch' | 'any',
  { weights: Weights; normalization: number; ranking: 'rank' | 'rank_cd' }
> = {
  websearch: { weights: [0.1, 0.2, 0.4, 1], normalization: 1, ranking: 'rank_cd' },
  any: { weights: [0.8, 0.9, 0.9, 1], normalization: 1, ranking: 'rank' },
};

interface PaperRow {
  corpus: string;
  id: string;
  ord: number;
  title: string | null;
  authors: string[];
  track: string | null;
  abstract: string;
  links: string[];
  source_path: string;
  start_line: number;
  end_line: number;
  warnings: string[];
  extras: PaperExtras;
}

interface ExistingRow {
  id: string;
  ord: number;
  start_line: number;
  end_line: number;
  source_path: string;
  warnings: string;
  content_hash: string;
}

const PAPER_COLUMNS = `corpus, id, ord, title, authors, track, abstract, links, source_path,
  start_line, end_line, warnings, extras`;

function fromRow(row: PaperRow): PaperRecord {
  return {
    id: row.id,
    title: row.title,
    authors: row.authors,
    track: row.track as Track | null,
    abstract: row.abstract,
    links: row.links,
    source: { path: row.source_path, startLine: row.start_line, endLine: row.end_line },
    warnings: row.warnings,
    ...row.extras,
  };
}

/** The words of a query for `any` matching: letters and digits, diacritics folded. */
export function queryWords(query: string): string[] {
  return (
    query
      .slice(0, MAX_QUERY_CHARS)
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, MAX_QUERY_WORDS);
}

/**
 * The to_tsquery operands of a query for `any` matching, one per distinct word, each quoted
 * (only letters and digits reach them); the last word is a prefix: `'graph'`, `'neur':*`.
 */
export function anyWordTerms(query: string, prefixLast = true): string[] {
  const words = queryWords(query);
  const last = prefixLast ? words.at(-1) : undefined;
  const terms = [...new Set(words)].filter((w) => w !== last).map((w) => `'${w}'`);
  if (last !== undefined) terms.push(`'${last}':*`);
  return terms;
}

/** Control characters (NUL above all, which PostgreSQL text refuses) become spaces. */
function cleanQuery(query: string): string {
  // eslint-disable-next-line no-control-regex
  return query.slice(0, MAX_QUERY_CHARS).replace(/[\u0000-\u001f\u007f]/g, ' ');
}

export class PostgresStore implements Store, StagedIngest {
  /** Whether the server offers pgvector (detected at open; confscope does not use it yet). */
  pgvector: PgvectorStatus = 'absent';
  private closing: Promise<void> | undefined;
  /** Operations started and not yet settled: close() lets them finish before ending the pool. */
  private readonly inflight = new Set<Promise<unknown>>();

  private constructor(
    readonly pool: pg.Pool,
    /** The URL without its password, for messages. */
    readonly label: string,
  ) {}

  /** Connect, check the server, and bring the schema up to date. */
  static async open(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const label = describePgUrl(url);
    try {
      new URL(url);
    } catch {
      throw new ConfscopeError('BAD_ARGUMENT', `--db: ${label} is not a valid PostgreSQL URL`);
    }
    const envMax = Number(process.env['CONFSCOPE_PG_POOL']);
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? (Number.isInteger(envMax) && envMax > 0 ? envMax : 10),
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'confscope',
    });
    // An idle connection that breaks (server restart) is dropped by the pool; without a
    // listener the 'error' event would end the process.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, label);
    try {
      await store.prepare(opts.mustExist ?? false);
    } catch (e) {
      await pool.end().catch(() => undefined);
      if (e instanceof ConfscopeError) throw e;
      throw new PostgresStoreError(`${label}: ${describeError(e)}`, { cause: e });
    }
    return store;
  }

  private async prepare(mustExist: boolean): Promise<void> {
    const info = await this.pool.query<{
      encoding: string;
      migrated: boolean;
      pgvector: PgvectorStatus;
    }>(
      `SELECT current_setting('server_encoding') AS encoding,
         to_regclass('confscope.schema_migrations') IS NOT NULL AS migrated,
         CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN 'installed'
              WHEN EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')
              THEN 'available' ELSE 'absent' END AS pgvector`,
    );
    const row = info.rows[0];
    if (!row) throw new Error('the server answered nothing');
    this.pgvector = row.pgvector;
    if (row.encoding !== 'UTF8') {
      throw new PostgresStoreError(
        `${this.label}: the database encoding is ${row.encoding}; confscope needs UTF8 (CREATE DATABASE … ENCODING 'UTF8')`,
      );
    }
    if (!row.migrated && mustExist) {
      throw new PostgresStoreError(
        `${this.label}: no confscope data in this database (run \`confscope ingest\` or \`confscope start\` with this --db first)`,
      );
    }
    if (row.migrated && (await this.schemaVersionNow()) === PG_MIGRATIONS.length) return;
    await this.migrate();
  }

  private async schemaVersionNow(): Promise<number> {
    const r = await this.pool.query<{ v: number | null }>(
      `SELECT CASE WHEN to_regclass('confscope.schema_migrations') IS NULL THEN 0
         ELSE (SELECT coalesce(max(version), 0) FROM confscope.schema_migrations) END AS v`,
    );
    return r.rows[0]?.v ?? 0;
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (c) => {
      // Taken before looking: a second process waits here, then finds the work done.
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
      await c.query('CREATE SCHEMA IF NOT EXISTS confscope');
      await c.query(
        `CREATE TABLE IF NOT EXISTS confscope.schema_migrations (
           version integer PRIMARY KEY,
           description text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const r = await c.query<{ v: number }>(
        'SELECT coalesce(max(version), 0) AS v FROM confscope.schema_migrations',
      );
      const current = r.rows[0]?.v ?? 0;
      if (current > PG_MIGRATIONS.length) {
        throw new PostgresStoreError(
          `${this.label}: database schema version ${current} is newer than this confscope (${PG_MIGRATIONS.length}); upgrade confscope`,
        );
      }
      for (const m of PG_MIGRATIONS.slice(current)) {
        await c.query(m.sql);
        await c.query(
          'INSERT INTO confscope.schema_migrations (version, description) VALUES ($1, $2)',
          [m.version, m.description],
        );
      }
    });
  }

  private async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    // pg-pool listens for errors only on idle clients: a checked-out one whose connection dies
    // (server shut down, backend terminated) emits 'error', which would end the process with
    // nobody listening. The failing query rejects anyway; the client is destroyed on release.
    const onError = (e: Error) => {
      broken ??= e;
    };
    c.on('error', onError);
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch((re: unknown) => {
        broken = re instanceof Error ? re : new Error(String(re));
      });
      throw e;
    } finally {
      // A connection that could not even roll back (or that broke) is destroyed, not reused.
      c.removeListener('error', onError);
      c.release(broken);
    }
  }

  private async replaceCorpusNow(
    corpus: string,
    records: PaperRecord[],
    meta: CorpusMeta,
  ): Promise<IngestSummary> {
    try {
      return await this.transaction(async (c) => {
        // One writer per corpus at a time: the second reads what the first committed.
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, corpus]);
        await upsertCorpus(c, corpus, meta);
        const existing = await c.query<ExistingRow>(
          `SELECT id, ord, start_line, end_line, source_path, warnings::text AS warnings,
             content_hash FROM confscope.papers WHERE corpus = $1`,
          [corpus],
        );
        const before = new Map(existing.rows.map((row) => [row.id, row]));
        const summary: IngestSummary = {
          corpus,
          total: records.length,
          added: 0,
          updated: 0,
          moved: 0,
          unchanged: 0,
          removed: 0,
        };
        // id → [ord, record, hash]; a repeated id is written once, the last one winning.
        const writes = new Map<string, [number, PaperRecord, string]>();
        records.forEach((r, ord) => {
          const hash = contentHash(r);
          const old = before.get(r.id);
          before.delete(r.id);
          if (!old) summary.added++;
          else if (old.content_hash !== hash) summary.updated++;
          else if (
            old.ord !== ord ||
            old.start_line !== r.source.startLine ||
            old.end_line !== r.source.endLine ||
            old.source_path !== r.source.path ||
            old.warnings !== JSON.stringify(r.warnings)
          ) {
            summary.moved++;
          } else {
            summary.unchanged++;
            return;
          }
          writes.set(r.id, [ord, r, hash]);
        });
        const rows = [...writes.values()];
        for (let i = 0; i < rows.length; i += BATCH) {
          await upsertPapers(c, corpus, rows.slice(i, i + BATCH));
        }
        const removed = [...before.keys()];
        if (removed.length) {
          await c.query('DELETE FROM confscope.papers WHERE corpus = $1 AND id = ANY($2::text[])', [
            corpus,
            removed,
          ]);
          summary.removed = removed.length;
        }
        return summary;
      });
    } catch (e) {
      throw new PostgresStoreError(
        `${this.label}: ingest of corpus "${corpus}" failed and was rolled back (${describeError(e)})`,
        { cause: e },
      );
    }
  }

  private async listPapersNow(corpus?: string): Promise<PaperRecord[]> {
    const r =
      corpus === undefined
        ? await this.pool.query<PaperRow>(
            `SELECT ${PAPER_COLUMNS} FROM confscope.papers ORDER BY corpus COLLATE "C", ord`,
          )
        : await this.pool.query<PaperRow>(
            `SELECT ${PAPER_COLUMNS} FROM confscope.papers WHERE corpus = $1 ORDER BY ord`,
            [corpus],
          );
    return r.rows.map(fromRow);
  }

  private async getPaperNow(id: string, corpus?: string): Promise<PaperRecord | null> {
    const r =
      corpus === undefined
        ? await this.pool.query<PaperRow>(
            `SELECT ${PAPER_COLUMNS} FROM confscope.papers WHERE id = $1
             ORDER BY corpus COLLATE "C" LIMIT 1`,
            [id],
          )
        : await this.pool.query<PaperRow>(
            `SELECT ${PAPER_COLUMNS} FROM confscope.papers WHERE corpus = $1 AND id = $2`,
            [corpus, id],
          );
    const row = r.rows[0];
    return row ? fromRow(row) : null;
  }

  private async listCorporaNow(): Promise<CorpusInfo[]> {
    const r = await this.pool.query<{
      name: string;
      source_path: string;
      source_hash: string;
      warnings: string[];
      ingested_at: Date;
      papers: number;
    }>(
      `SELECT c.name, c.source_path, c.source_hash, c.warnings, c.ingested_at,
         (SELECT count(*) FROM confscope.papers p WHERE p.corpus = c.name)::integer AS papers
       FROM confscope.corpora c ORDER BY c.name COLLATE "C"`,
    );
    return r.rows.map((row) => ({
      name: row.name,
      sourcePath: row.source_path,
      sourceHash: row.source_hash,
      warnings: row.warnings,
      ingestedAt: row.ingested_at.toISOString(),
      papers: row.papers,
    }));
  }

  private async getVectorsNow(
    model: string,
    hashes: readonly string[],
  ): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    if (hashes.length === 0) return out;
    const r = await this.pool.query<{ content_hash: string; vector: Buffer }>(
      `SELECT content_hash, vector FROM confscope.embeddings
       WHERE model = $1 AND content_hash = ANY($2::text[])`,
      [model, hashes],
    );
    for (const row of r.rows) out.set(row.content_hash, bufferToFloats(row.vector));
    return out;
  }

  private async putVectorsNow(
    model: string,
    entries: readonly (readonly [string, Float32Array])[],
  ): Promise<void> {
    if (entries.length === 0) return;
    // One row per hash, the last one winning as with SQLite's INSERT OR REPLACE: a statement
    // may not upsert the same key twice (two papers with the same text share a hash).
    const unique = [...new Map(entries.map(([h, v]) => [h, v])).entries()];
    await this.transaction(async (c) => {
      for (let i = 0; i < unique.length; i += BATCH) {
        const part = unique.slice(i, i + BATCH);
        await c.query(
          `INSERT INTO confscope.embeddings (model, content_hash, dim, vector)
           SELECT $1, h, d, v FROM unnest($2::text[], $3::integer[], $4::bytea[]) AS t(h, d, v)
           ON CONFLICT (model, content_hash) DO UPDATE SET dim = excluded.dim,
             vector = excluded.vector`,
          [
            model,
            part.map(([h]) => h),
            part.map(([, v]) => v.length),
            part.map(([, v]) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
          ],
        );
      }
    });
  }

  private async getModelNow(id: string): Promise<Uint8Array | null> {
    const r = await this.pool.query<{ data: Buffer }>(
      'SELECT data FROM confscope.models WHERE id = $1',
      [id],
    );
    const row = r.rows[0];
    return row ? ownedBytes(row.data) : null;
  }

  private async putModelNow(id: string, data: Uint8Array): Promise<void> {
    await this.pool.query(
      `INSERT INTO confscope.models (id, data, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`,
      [id, Buffer.from(data), new Date().toISOString()],
    );
  }

  private async searchTextNow(query: string, opts: TextSearchOptions = {}): Promise<TextHit[]> {
    const limit = Math.max(1, Math.min(1000, Math.trunc(opts.limit ?? 10)));
    const match = opts.match ?? 'websearch';
    const defaults = TEXT_RANKING_DEFAULTS[match];
    const weights = [...(opts.weights ?? defaults.weights)];
    const norm = opts.normalization ?? defaults.normalization;
    const corpus = opts.corpus ?? null;
    if (match === 'websearch') {
      const text = cleanQuery(query);
      if (!text.trim()) return [];
      const r = await this.pool.query<TextHit>(
        `SELECT p.id, p.corpus, p.title, ts_rank_cd($2::real[], p.search, q, $3)::float8 AS rank
         FROM confscope.papers p, websearch_to_tsquery('english', confscope.fold($1)) AS q
         WHERE p.search @@ q AND ($4::text IS NULL OR p.corpus = $4)
         ORDER BY rank DESC, p.corpus COLLATE "C", p.ord
         LIMIT $5`,
        [text, weights, norm, corpus, limit],
      );
      return r.rows;
    }
    // Any word: PostgreSQL's rankings know no inverse document frequency, so a common word
    // ("learning") would count as much as a rare one. Each word is ranked on its own, weighted
    // by its BM25 idf (its document frequency counted among the papers the GIN index matched),
    // and the words' scores summed. Each matched tsvector is copied out once (|| '') so the
    // per-word ranking does not decompress it again for every word.
    const terms = anyWordTerms(query);
    if (terms.length === 0) return [];
    const rank = (opts.ranking ?? defaults.ranking) === 'rank' ? 'ts_rank' : 'ts_rank_cd';
    const r = await this.pool.query<TextHit>(
      `WITH terms AS (
         SELECT w, q FROM unnest($1::text[]) AS w, to_tsquery('english', w) AS q
         WHERE numnode(q) > 0),
       docs AS MATERIALIZED (
         SELECT p.corpus, p.id, p.title, p.ord, p.search || ''::tsvector AS v
         FROM confscope.papers p
         WHERE p.search @@ to_tsquery('english', array_to_string($1::text[], ' | '))
           AND ($3::text IS NULL OR p.corpus = $3)),
       matches AS (
         SELECT d.corpus, d.id, d.title, d.ord, terms.w,
           ${rank}($2::real[], d.v, terms.q, $4) AS r,
           count(*) OVER (PARTITION BY terms.w) AS df
         FROM docs d JOIN terms ON d.v @@ terms.q),
       total AS (
         SELECT count(*)::float8 AS n FROM confscope.papers WHERE $3::text IS NULL OR corpus = $3)
       SELECT m.id, m.corpus, m.title,
         sum(ln(1 + (total.n - m.df + 0.5) / (m.df + 0.5)) * m.r)::float8 AS rank
       FROM matches m, total
       GROUP BY m.corpus, m.id, m.title, m.ord
       ORDER BY rank DESC, m.corpus COLLATE "C", m.ord
       LIMIT $5`,
      [terms, weights, corpus, norm, limit],
    );
    return r.rows;
  }

  /** Run a staged-ingest step in a transaction; a failure names the corpus and rolls back. */
  private async staging<T>(
    corpus: string,
    what: string,
    lock: 'staging' | 'ingest',
    fn: (c: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.transaction(async (c) => {
        // Staging steps of a corpus take turns; the commit takes the corpus's ingest lock.
        const key = lock === 'ingest' ? corpus : `staging:${corpus}`;
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, key]);
        return fn(c);
      });
    } catch (e) {
      throw new PostgresStoreError(
        `${this.label}: ${what} of corpus "${corpus}" failed and was rolled back (${describeError(e)})`,
        { cause: e },
      );
    }
  }

  private async stagedCount(c: pg.PoolClient, corpus: string): Promise<number> {
    const r = await c.query<{ n: number }>(
      'SELECT coalesce(max(ord) + 1, 0)::integer AS n FROM confscope.staged_papers WHERE corpus = $1',
      [corpus],
    );
    return r.rows[0]?.n ?? 0;
  }

  private async mustBeStaging(c: pg.PoolClient, corpus: string): Promise<void> {
    const r = await c.query('SELECT 1 FROM confscope.staged_ingests WHERE corpus = $1', [corpus]);
    if (r.rowCount === 0) {
      throw new Error('no staged ingest begun for this corpus (call beginStaged)');
    }
  }

  private beginStagedNow(corpus: string, sourceHash: string): Promise<number> {
    return this.staging(corpus, 'staging', 'staging', async (c) => {
      const r = await c.query<{ source_hash: string }>(
        'SELECT source_hash FROM confscope.staged_ingests WHERE corpus = $1',
        [corpus],
      );
      if (r.rows[0]?.source_hash === sourceHash) return this.stagedCount(c, corpus);
      await c.query('DELETE FROM confscope.staged_ingests WHERE corpus = $1', [corpus]);
      await c.query(
        'INSERT INTO confscope.staged_ingests (corpus, source_hash, started_at) VALUES ($1, $2, $3)',
        [corpus, sourceHash, new Date().toISOString()],
      );
      return 0;
    });
  }

  private appendStagedNow(corpus: string, records: readonly PaperRecord[]): Promise<void> {
    return this.staging(corpus, 'staging', 'staging', async (c) => {
      await this.mustBeStaging(c, corpus);
      const start = await this.stagedCount(c, corpus);
      const rows = records.map((r, i): [number, PaperRecord, string] => [
        start + i,
        r,
        contentHash(r),
      ]);
      for (let i = 0; i < rows.length; i += BATCH) {
        await c.query(
          `INSERT INTO confscope.staged_papers (corpus, id, ord, title, authors, track, abstract,
             links, source_path, start_line, end_line, warnings, extras, content_hash)
           SELECT $1, id, ord, title, authors, track, abstract, links, source_path, start_line,
             end_line, warnings, extras, content_hash
           FROM ${UNNEST_PAPERS}`,
          [corpus, ...paperArrays(rows.slice(i, i + BATCH))],
        );
      }
    });
  }

  private commitStagedNow(corpus: string, meta: CorpusMeta): Promise<IngestSummary> {
    return this.staging(corpus, 'ingest', 'ingest', async (c) => {
      await this.mustBeStaging(c, corpus);
      // Same place, same words: compared as the text the JSON columns were written as.
      const same = `p.ord = s.ord AND p.start_line = s.start_line AND p.end_line = s.end_line
        AND p.source_path = s.source_path AND p.warnings::text = s.warnings`;
      const counts = await c.query<Omit<IngestSummary, 'corpus' | 'removed'>>(
        `SELECT count(*)::integer AS total,
           count(*) FILTER (WHERE p.id IS NULL)::integer AS added,
           count(*) FILTER (WHERE p.content_hash <> s.content_hash)::integer AS updated,
           count(*) FILTER (WHERE p.content_hash = s.content_hash AND NOT (${same}))::integer
             AS moved,
           count(*) FILTER (WHERE p.content_hash = s.content_hash AND ${same})::integer
             AS unchanged
         FROM confscope.staged_papers s
         LEFT JOIN confscope.papers p ON p.corpus = $1 AND p.id = s.id
         WHERE s.corpus = $1`,
        [corpus],
      );
      await upsertCorpus(c, corpus, meta);
      const removed = await c.query(
        `DELETE FROM confscope.papers p WHERE p.corpus = $1 AND NOT EXISTS
           (SELECT 1 FROM confscope.staged_papers s WHERE s.corpus = $1 AND s.id = p.id)`,
        [corpus],
      );
      await c.query(
        `INSERT INTO confscope.papers (corpus, id, ord, title, authors, track, abstract, links,
           source_path, start_line, end_line, warnings, extras, content_hash)
         SELECT corpus, id, ord, title, authors::json, track, abstract, links::json, source_path,
           start_line, end_line, warnings::json, extras::json, content_hash
         FROM confscope.staged_papers WHERE corpus = $1 ORDER BY ord
         ON CONFLICT (corpus, id) DO UPDATE SET ord = excluded.ord, title = excluded.title,
           authors = excluded.authors, track = excluded.track, abstract = excluded.abstract,
           links = excluded.links, source_path = excluded.source_path,
           start_line = excluded.start_line, end_line = excluded.end_line,
           warnings = excluded.warnings, extras = excluded.extras,
           content_hash = excluded.content_hash
         WHERE papers.content_hash <> excluded.content_hash OR papers.ord <> excluded.ord
           OR papers.start_line <> excluded.start_line OR papers.end_line <> excluded.end_line
           OR papers.source_path <> excluded.source_path
           OR papers.warnings::text <> excluded.warnings::text`,
        [corpus],
      );
      await c.query('DELETE FROM confscope.staged_ingests WHERE corpus = $1', [corpus]);
      const n = counts.rows[0];
      return {
        corpus,
        total: n?.total ?? 0,
        added: n?.added ?? 0,
        updated: n?.updated ?? 0,
        moved: n?.moved ?? 0,
        unchanged: n?.unchanged ?? 0,
        removed: removed.rowCount ?? 0,
      };
    });
  }

  /**
   * Run an operation unless the store is closing; close() waits for it to settle. Whatever it
   * throws reaches the caller as a PostgresStoreError (STORE_ERROR) naming the operation, the
   * driver's error kept as `cause`.
   */
  private op<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.closing) {
      return Promise.reject(
        new PostgresStoreError(`${this.label}: ${name} failed: the store is closed`, {
          unavailable: false,
        }),
      );
    }
    // Async from the first statement, so a synchronous throw also becomes a rejection.
    const started = (async () => fn())();
    const p = started.catch((e: unknown) => {
      throw this.wrap(name, e);
    });
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /** An error as a PostgresStoreError naming the operation (one already wrapped passes). */
  private wrap(name: string, e: unknown): ConfscopeError {
    if (e instanceof PostgresStoreError) return e;
    // A ConfscopeError of another kind (a bad argument) is the caller's, not the database's.
    if (e instanceof ConfscopeError && e.code !== 'STORE_ERROR') return e;
    return new PostgresStoreError(`${this.label}: ${name} failed: ${describeError(e)}`, {
      cause: e,
    });
  }

  replaceCorpus(corpus: string, records: PaperRecord[], meta: CorpusMeta): Promise<IngestSummary> {
    return this.op(`ingest of corpus "${corpus}"`, () =>
      this.replaceCorpusNow(corpus, records, meta),
    );
  }

  beginStaged(corpus: string, sourceHash: string): Promise<number> {
    return this.op(`staging of corpus "${corpus}"`, () => this.beginStagedNow(corpus, sourceHash));
  }

  appendStaged(corpus: string, records: readonly PaperRecord[]): Promise<void> {
    return this.op(`staging of corpus "${corpus}"`, () => this.appendStagedNow(corpus, records));
  }

  commitStaged(corpus: string, meta: CorpusMeta): Promise<IngestSummary> {
    return this.op(`ingest of corpus "${corpus}"`, () => this.commitStagedNow(corpus, meta));
  }

  listPapers(corpus?: string): Promise<PaperRecord[]> {
    return this.op(
      corpus === undefined ? 'listing papers' : `listing papers of corpus "${corpus}"`,
      () => this.listPapersNow(corpus),
    );
  }

  getPaper(id: string, corpus?: string): Promise<PaperRecord | null> {
    return this.op(`reading paper "${id}"`, () => this.getPaperNow(id, corpus));
  }

  listCorpora(): Promise<CorpusInfo[]> {
    return this.op('listing corpora', () => this.listCorporaNow());
  }

  getVectors(model: string, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
    return this.op(`reading ${model} vectors`, () => this.getVectorsNow(model, hashes));
  }

  putVectors(model: string, entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
    return this.op(`saving ${model} vectors`, () => this.putVectorsNow(model, entries));
  }

  getModel(id: string): Promise<Uint8Array | null> {
    return this.op(`reading model "${id}"`, () => this.getModelNow(id));
  }

  putModel(id: string, data: Uint8Array): Promise<void> {
    return this.op(`saving model "${id}"`, () => this.putModelNow(id, data));
  }

  /** The schema version recorded in the database (0 when there is none). */
  schemaVersion(): Promise<number> {
    return this.op('reading the schema version', () => this.schemaVersionNow());
  }

  /**
   * PostgreSQL's own full-text search over the stored papers: the weighted tsvector (title A,
   * authors B, keywords C, abstract D) through its GIN index, ranked by ts_rank_cd. Any text is
   * a valid query: syntax websearch_to_tsquery cannot read becomes words, control characters
   * are dropped, and only the first MAX_QUERY_CHARS characters count.
   */
  searchText(query: string, opts: TextSearchOptions = {}): Promise<TextHit[]> {
    return this.op('full-text search', () => this.searchTextNow(query, opts));
  }

  /** Let running operations finish, refuse new ones, then close every pooled connection. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.inflight])
      .then(() => this.pool.end())
      .catch((e: unknown) => {
        throw this.wrap('closing the store', e);
      });
    return this.closing;
  }
}

/** Create or update the corpus row; ingested_at changes only with the source. */
async function upsertCorpus(c: pg.PoolClient, corpus: string, meta: CorpusMeta): Promise<void> {
  await c.query(
    `INSERT INTO confscope.corpora (name, source_path, source_hash, warnings, ingested_at)
     VALUES ($1, $2, $3, $4::json, $5)
     ON CONFLICT (name) DO UPDATE SET source_path = excluded.source_path,
       source_hash = excluded.source_hash, warnings = excluded.warnings,
       ingested_at = CASE WHEN corpora.source_hash = excluded.source_hash
                          THEN corpora.ingested_at ELSE excluded.ingested_at END`,
    [
      corpus,
      meta.sourcePath,
      meta.sourceHash,
      JSON.stringify(meta.warnings),
      new Date().toISOString(),
    ],
  );
}

/** The rows as one array per column, for INSERT … SELECT FROM unnest($2, $3, …). */
function paperArrays(rows: readonly [number, PaperRecord, string][]): unknown[][] {
  const col = <T>(f: (ord: number, r: PaperRecord, hash: string) => T): T[] =>
    rows.map(([ord, r, hash]) => f(ord, r, hash));
  return [
    col((_o, r) => r.id),
    col((o) => o),
    col((_o, r) => r.title),
    col((_o, r) => JSON.stringify(r.authors)),
    col((_o, r) => r.track),
    col((_o, r) => r.abstract),
    col((_o, r) => JSON.stringify(r.links)),
    col((_o, r) => r.source.path),
    col((_o, r) => r.source.startLine),
    col((_o, r) => r.source.endLine),
    col((_o, r) => JSON.stringify(r.warnings)),
    col((_o, r) => JSON.stringify(recordExtras(r))),
    col((_o, _r, h) => h),
  ];
}

const UNNEST_PAPERS = `unnest($2::text[], $3::integer[], $4::text[], $5::text[], $6::text[],
    $7::text[], $8::text[], $9::text[], $10::integer[], $11::integer[], $12::text[], $13::text[],
    $14::text[])
  AS t(id, ord, title, authors, track, abstract, links, source_path, start_line, end_line,
       warnings, extras, content_hash)`;

async function upsertPapers(
  c: pg.PoolClient,
  corpus: string,
  rows: readonly [number, PaperRecord, string][],
): Promise<void> {
  await c.query(
    `INSERT INTO confscope.papers (corpus, id, ord, title, authors, track, abstract, links,
       source_path, start_line, end_line, warnings, extras, content_hash)
     SELECT $1, id, ord, title, authors::json, track, abstract, links::json, source_path,
       start_line, end_line, warnings::json, extras::json, content_hash
     FROM ${UNNEST_PAPERS}
     ON CONFLICT (corpus, id) DO UPDATE SET ord = excluded.ord, title = excluded.title,
       authors = excluded.authors, track = excluded.track, abstract = excluded.abstract,
       links = excluded.links, source_path = excluded.source_path,
       start_line = excluded.start_line, end_line = excluded.end_line,
       warnings = excluded.warnings, extras = excluded.extras,
       content_hash = excluded.content_hash`,
    [corpus, ...paperArrays(rows)],
  );
}

/** A driver error as one line naming the server, never the password. */
function describeError(e: unknown): string {
  if (e instanceof ConfscopeError) return e.message;
  if (typeof e !== 'object' || e === null) return String(e);
  const err = e as Error & { code?: string; address?: string; port?: number };
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EHOSTUNREACH') {
    const where = err.address ? ` at ${err.address}${err.port ? `:${err.port}` : ''}` : '';
    return `cannot connect to PostgreSQL${where} (${err.code}): is the server running?`;
  }
  if (/timeout/i.test(err.message)) return `cannot connect to PostgreSQL: ${err.message}`;
  if (err.code === '53100') return `the database server's disk is full (${err.message})`;
  if (err.code === '57P01' || err.code === '57P02' || err.code === '57P03')
    return `the PostgreSQL server closed the connection or is not accepting any (${err.message})`;
  if (isConnectionFailure(err)) return `lost the connection to PostgreSQL (${err.message})`;
  return err.message;
}

/** Copy a bytea into an aligned Float32Array (a Buffer's offset need not be 4-aligned). */
function bufferToFloats(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
