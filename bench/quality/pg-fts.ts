// PostgreSQL full-text search as a peer of the search-quality benchmark: the papers ingested
// through PostgresStore (weighted tsvector: title A, authors B, keywords C, abstract D; GIN
// index) and searched with its searchText in `any` mode — the words OR-ed, the last one also a
// prefix, each weighted by its idf — the same query treatment as the SQLite FTS5 peer. Needs a PostgreSQL server: the
// benchmark's own throwaway cluster unless CONFSCOPE_BENCH_PG_URL names one.

import type { PaperRecord } from '../../src/core/types.js';
import { PostgresStore, TEXT_RANKING_DEFAULTS } from '../../src/store/postgres/index.js';
import { benchPgServer, createDatabase } from '../pg-cluster.js';
import type { SearchSystem } from './systems.js';

export interface PgFtsOptions {
  name?: string;
  /** Ranking weights for D (abstract), C (keywords), B (authors), A (title). */
  weights?: readonly [number, number, number, number];
  normalization?: number;
  ranking?: 'rank' | 'rank_cd';
  /** Database name to create (dropped on close). */
  database?: string;
}

export class PgFtsSystem implements SearchSystem {
  readonly name: string;
  readonly settings: string;
  private store: PostgresStore | undefined;
  private drop: (() => Promise<void>) | undefined;
  private readonly weights: readonly [number, number, number, number];
  private readonly normalization: number;
  private readonly ranking: 'rank' | 'rank_cd';
  private readonly database: string;

  constructor(opts: PgFtsOptions = {}) {
    this.name = opts.name ?? 'PostgreSQL FTS';
    const d = TEXT_RANKING_DEFAULTS.any;
    this.weights = opts.weights ?? d.weights;
    this.normalization = opts.normalization ?? d.normalization;
    this.ranking = opts.ranking ?? d.ranking;
    this.database = opts.database ?? 'confscope_bench_quality';
    this.settings =
      `PostgresStore.searchText, match "any": to_tsquery('english') of the words OR-ed, the last ` +
      `one a prefix; tsvector title A, authors B, keywords C, abstract D (diacritics folded); ` +
      `each word ranked by ts_${this.ranking} with weights {D,C,B,A} = {${this.weights.join(', ')}}, ` +
      `normalization ${this.normalization}, times its BM25 idf, summed; GIN index`;
  }

  async build(records: PaperRecord[]): Promise<void> {
    if (!this.store) {
      const db = await createDatabase(await benchPgServer(), this.database);
      this.drop = db.drop;
      this.store = await PostgresStore.open(db.url);
    }
    // A fresh index each build: empty the corpus, then ingest (tsvectors and GIN entries).
    const meta = { sourcePath: 'bench', sourceHash: 'bench', warnings: [] };
    await this.store.replaceCorpus('iclr2020', [], meta);
    await this.store.replaceCorpus('iclr2020', records, meta);
  }

  async search(query: string, k: number): Promise<string[]> {
    if (!this.store) throw new Error(`${this.name}: search() before build()`);
    const hits = await this.store.searchText(query, {
      match: 'any',
      limit: k,
      weights: this.weights,
      normalization: this.normalization,
      ranking: this.ranking,
    });
    return hits.map((h) => h.id);
  }

  async close(): Promise<void> {
    await this.store?.close();
    this.store = undefined;
    await this.drop?.();
    this.drop = undefined;
  }
}

/**
 * The PostgreSQL peer when a server can be had (started here or $CONFSCOPE_BENCH_PG_URL);
 * otherwise none, with the reason on stderr, so the rest of the benchmark still runs.
 */
export async function pgPeers(): Promise<SearchSystem[]> {
  try {
    await benchPgServer();
    return [new PgFtsSystem()];
  } catch (e) {
    console.error(`PostgreSQL FTS peer skipped: ${(e as Error).message}`);
    return [];
  }
}
