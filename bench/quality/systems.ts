// Peer search engines for the search-quality benchmark, each configured the way its
// documentation suggests for a search box over short documents: title boosted 3×, authors and
// abstract indexed, OR semantics (a paper matching some of the words still ranks), typo and
// prefix tolerance where the library offers it (prefix on the last word, the one being typed,
// where the library allows per-word control). Every engine sees the same three fields; the
// three untitled records are indexed with an empty title. No engine indexes the track, so
// "spotlight …" / "track:talk …" queries are plain words to them. Each class takes options so
// variants can be compared (e.g. `new MiniSearchSystem({ name: 'MiniSearch prefix-all',
// prefix: 'all' })`); the defaults are the settings the benchmark reports.

import Database from 'better-sqlite3';
import { Charset, Document, Encoder, Resolver } from 'flexsearch';
import EnglishPreset from 'flexsearch/lang/en';
import lunr from 'lunr';
import MiniSearch from 'minisearch';
import { create, insertMultiple, MODE_FULLTEXT_SEARCH, search as oramaSearch } from '@orama/orama';
import type { PaperRecord } from '../../src/core/types.js';

export interface SearchSystem {
  name: string;
  /** One line on how the engine is configured, for the report. */
  settings?: string;
  build(records: PaperRecord[]): Promise<void> | void;
  /** Paper ids, best first, at most `k`. */
  search(query: string, k: number): Promise<string[]> | string[];
  /** Release resources (e.g. a database handle) once the benchmark is done with it. */
  close?(): Promise<void> | void;
}

/** The title's weight relative to authors and abstract, the same for every peer. */
export const TITLE_BOOST = 3;

// A type alias, not an interface: FlexSearch's DocumentData needs an index signature.
type Doc = { id: string; title: string; authors: string; abstract: string };
const FIELDS = ['title', 'authors', 'abstract'] as const;

export function toDoc(r: PaperRecord): Doc {
  return { id: r.id, title: r.title ?? '', authors: r.authors.join(', '), abstract: r.abstract };
}

/** Lower-case letter/digit runs, diacritics removed: what every query is reduced to. */
export function queryTokens(query: string): string[] {
  return (
    query
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

function notBuilt(name: string): never {
  throw new Error(`${name}: search() before build()`);
}

// --- MiniSearch -----------------------------------------------------------------------------

export interface MiniSearchOptions {
  name?: string;
  /** Prefix-match every word, only the last one (the word being typed), or none. */
  prefix?: 'all' | 'last' | 'none';
  /** Maximum edit distance as a fraction of the word length, or false. */
  fuzzy?: number | false;
}

export class MiniSearchSystem implements SearchSystem {
  readonly name: string;
  readonly settings: string;
  private index: MiniSearch<Doc> | undefined;
  private readonly prefix: 'all' | 'last' | 'none';
  private readonly fuzzy: number | false;

  constructor(opts: MiniSearchOptions = {}) {
    this.name = opts.name ?? 'MiniSearch';
    this.prefix = opts.prefix ?? 'last';
    this.fuzzy = opts.fuzzy ?? 0.2;
    const prefix = { all: 'every word', last: 'the last word only', none: 'off' }[this.prefix];
    this.settings =
      `BM25+; boost title ${TITLE_BOOST}; combineWith OR; prefix: ${prefix}; ` +
      `fuzzy: ${this.fuzzy === false ? 'off' : this.fuzzy} (MiniSearch down-weights prefix and fuzzy matches)`;
  }

  build(records: PaperRecord[]): void {
    const last = this.prefix === 'last';
    const index = new MiniSearch<Doc>({
      fields: [...FIELDS],
      idField: 'id',
      searchOptions: {
        boost: { title: TITLE_BOOST },
        combineWith: 'OR',
        prefix: last ? (_t, i, terms) => i === terms.length - 1 : this.prefix === 'all',
        fuzzy: this.fuzzy,
      },
    });
    index.addAll(records.map(toDoc));
    this.index = index;
  }

  search(query: string, k: number): string[] {
    const index = this.index ?? notBuilt(this.name);
    // The default tokenizer splits on Unicode space and punctuation, so no query can fail.
    return index
      .search(query)
      .slice(0, k)
      .map((r) => String(r.id));
  }
}

// --- Orama ----------------------------------------------------------------------------------

const ORAMA_SCHEMA = { title: 'string', authors: 'string', abstract: 'string' } as const;

function makeOrama(stopWords: string[] | false) {
  return create({
    schema: ORAMA_SCHEMA,
    components: { tokenizer: { stemming: true, stopWords } },
  });
}

export interface OramaOptions {
  name?: string;
  /** Whole-word matches only (Orama's default is prefix matching). */
  exact?: boolean;
  /** Levenshtein typo tolerance (Orama's default is 0). */
  tolerance?: number;
  /** Drop English stop words (FlexSearch's English list) at index and query time. */
  stopWords?: boolean;
}

export class OramaSystem implements SearchSystem {
  readonly name: string;
  readonly settings: string;
  private db: ReturnType<typeof makeOrama> | undefined;
  private readonly exact: boolean;
  private readonly tolerance: number;
  private readonly stopWords: boolean;

  constructor(opts: OramaOptions = {}) {
    this.name = opts.name ?? 'Orama';
    this.exact = opts.exact ?? false;
    this.tolerance = opts.tolerance ?? 1;
    this.stopWords = opts.stopWords ?? true;
    this.settings =
      `BM25 full-text mode; English stemmer; ${this.stopWords ? 'English stop words' : 'no stop words'}; ` +
      `boost title ${TITLE_BOOST}; threshold 1 (OR); ${this.exact ? 'exact: true' : 'prefix matching (default)'}; tolerance ${this.tolerance}`;
  }

  async build(records: PaperRecord[]): Promise<void> {
    const db = makeOrama(this.stopWords ? englishStopWords() : false);
    await insertMultiple(db, records.map(toDoc));
    this.db = db;
  }

  async search(query: string, k: number): Promise<string[]> {
    const db = this.db ?? notBuilt(this.name);
    const term = queryTokens(query).join(' ');
    if (!term) return [];
    const res = await oramaSearch(db, {
      mode: MODE_FULLTEXT_SEARCH,
      term,
      properties: [...FIELDS],
      boost: { title: TITLE_BOOST },
      threshold: 1,
      exact: this.exact,
      tolerance: this.tolerance,
      limit: k,
    });
    return res.hits.map((h) => h.id);
  }
}

/** FlexSearch's English stop-word list (Orama ships none without @orama/stopwords). */
function englishStopWords(): string[] {
  const f = EnglishPreset.filter;
  if (!(f instanceof Set)) throw new Error('flexsearch/lang/en has no stop-word set');
  return [...f];
}

// --- FlexSearch -----------------------------------------------------------------------------

export interface FlexSearchOptions {
  name?: string;
  /** "forward" indexes every word prefix (search-as-you-type); "strict" whole words only. */
  tokenize?: 'forward' | 'strict';
  /** The charset the English preset is applied on; LatinBalance adds phonetic folding. */
  charset?: 'Default' | 'LatinBalance';
}

export class FlexSearchSystem implements SearchSystem {
  readonly name: string;
  readonly settings: string;
  private index: Document<Doc> | undefined;
  private readonly tokenize: 'forward' | 'strict';
  private readonly charset: 'Default' | 'LatinBalance';

  constructor(opts: FlexSearchOptions = {}) {
    this.name = opts.name ?? 'FlexSearch';
    this.tokenize = opts.tokenize ?? 'forward';
    this.charset = opts.charset ?? 'Default';
    this.settings =
      `Document index; tokenize "${this.tokenize}"; English preset (stemmer, stop words) on the ${this.charset} charset; ` +
      `suggest: true (OR); fields OR-ed with a Resolver, title boost ${TITLE_BOOST}; no term-frequency weighting (FlexSearch ranks by word position)`;
  }

  build(records: PaperRecord[]): void {
    const encoder = new Encoder(Charset[this.charset]).assign(EnglishPreset);
    const tokenize = this.tokenize;
    const index = new Document<Doc>({
      document: { id: 'id', index: FIELDS.map((field) => ({ field, tokenize, encoder })) },
    });
    for (const r of records) index.add(toDoc(r));
    this.index = index;
  }

  search(query: string, k: number): string[] {
    const index = this.index ?? notBuilt(this.name);
    const q = queryTokens(query).join(' ');
    if (!q) return [];
    const res = new Resolver<Doc>({
      index,
      query: q,
      field: 'title',
      boost: TITLE_BOOST,
      suggest: true,
    })
      .or({ index, query: q, field: 'authors', suggest: true })
      .or({ index, query: q, field: 'abstract', suggest: true })
      .resolve({ limit: k });
    return res.map(String);
  }
}

// --- lunr -----------------------------------------------------------------------------------

export interface LunrOptions {
  name?: string;
  /** Also match the last word as a prefix (trailing wildcard). */
  wildcardLast?: boolean;
  /** Also match words of ≥ 5 letters within edit distance 1, at a low boost. */
  fuzzy?: boolean;
}

// lunr.stopWordFilter returns undefined for a stop word (its typings say Token).
function isLunrStopWord(w: string): boolean {
  return (lunr.stopWordFilter(new lunr.Token(w, {})) as lunr.Token | undefined) === undefined;
}

export class LunrSystem implements SearchSystem {
  readonly name: string;
  readonly settings: string;
  private index: lunr.Index | undefined;
  private readonly wildcardLast: boolean;
  private readonly fuzzy: boolean;

  constructor(opts: LunrOptions = {}) {
    this.name = opts.name ?? 'lunr';
    this.wildcardLast = opts.wildcardLast ?? true;
    this.fuzzy = opts.fuzzy ?? true;
    this.settings =
      `BM25; field boost title ${TITLE_BOOST}; query built with the Query API (no query parser, so no syntax errors); ` +
      `every word optional (OR), stemmed` +
      (this.wildcardLast ? '; the last word also as a trailing wildcard (boost 0.5)' : '') +
      (this.fuzzy ? '; words of ≥ 5 letters also within edit distance 1 (boost 0.1)' : '');
  }

  build(records: PaperRecord[]): void {
    const docs = records.map(toDoc);
    this.index = lunr(function () {
      this.ref('id');
      this.field('title', { boost: TITLE_BOOST });
      this.field('authors');
      this.field('abstract');
      for (const d of docs) this.add(d);
    });
  }

  search(query: string, k: number): string[] {
    const index = this.index ?? notBuilt(this.name);
    const words = queryTokens(query).filter((w) => !isLunrStopWord(w));
    if (words.length === 0) return [];
    // idx.query never parses text, so `author:"x"`, `^`, `~`, `+`, `-`, `*` are all plain words.
    const hits = index.query((q) => {
      words.forEach((w, i) => {
        q.term(w, { presence: lunr.Query.presence.OPTIONAL });
        if (this.wildcardLast && i === words.length - 1) {
          q.term(w, { wildcard: lunr.Query.wildcard.TRAILING, usePipeline: false, boost: 0.5 });
        }
        if (this.fuzzy && w.length >= 5) {
          q.term(w, { editDistance: 1, usePipeline: false, boost: 0.1 });
        }
      });
    });
    return hits.slice(0, k).map((h) => h.ref);
  }
}

// --- SQLite FTS5 ----------------------------------------------------------------------------

/** The user's words as an FTS5 expression that cannot be a syntax error: "w1" OR "w2" OR "w3"*. */
export function fts5Query(query: string, prefixLast = true): string {
  const words = queryTokens(query);
  return words
    .map((w, i) => `"${w.replaceAll('"', '""')}"${prefixLast && i === words.length - 1 ? '*' : ''}`)
    .join(' OR ');
}

export interface Fts5Options {
  name?: string;
  /** Match the last word as a prefix (`"word"*`). */
  prefixLast?: boolean;
}

export class Fts5System implements SearchSystem {
  readonly name: string;
  readonly settings: string;
  private db: Database.Database | undefined;
  private stmt: Database.Statement<[string, number], { id: string }> | undefined;
  private readonly prefixLast: boolean;

  constructor(opts: Fts5Options = {}) {
    this.name = opts.name ?? 'SQLite FTS5';
    this.prefixLast = opts.prefixLast ?? true;
    this.settings =
      `in-memory better-sqlite3; tokenize 'porter unicode61 remove_diacritics 2'; ` +
      `ORDER BY bm25() with weights title ${TITLE_BOOST}, authors 1, abstract 1; every word quoted, OR-ed` +
      (this.prefixLast ? ', the last one as a prefix' : '');
  }

  build(records: PaperRecord[]): void {
    this.db?.close();
    const db = new Database(':memory:');
    db.exec(
      `CREATE VIRTUAL TABLE papers USING fts5(id UNINDEXED, title, authors, abstract,
         tokenize = 'porter unicode61 remove_diacritics 2')`,
    );
    const insert = db.prepare<[string, string, string, string]>(
      'INSERT INTO papers (id, title, authors, abstract) VALUES (?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const d of records.map(toDoc)) insert.run(d.id, d.title, d.authors, d.abstract);
    })();
    this.stmt = db.prepare<[string, number], { id: string }>(
      `SELECT id FROM papers WHERE papers MATCH ?
       ORDER BY bm25(papers, 0, ${TITLE_BOOST}, 1, 1) LIMIT ?`,
    );
    this.db = db;
  }

  search(query: string, k: number): string[] {
    const stmt = this.stmt ?? notBuilt(this.name);
    const match = fts5Query(query, this.prefixLast);
    if (!match) return [];
    return stmt.all(match, k).map((r) => r.id);
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.stmt = undefined;
  }
}

/** A fresh instance of every peer engine. */
export function peerSystems(): SearchSystem[] {
  return [
    new MiniSearchSystem(),
    new OramaSystem(),
    new FlexSearchSystem(),
    new LunrSystem(),
    new Fts5System(),
  ];
}
