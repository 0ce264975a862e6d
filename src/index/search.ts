// The search index over papers: BM25F (lexical), LSA and optional extra vector sets (semantic),
// fused for hybrid search, with filters, inferred author/track filters, snippets and
// explanations. Built in memory from records; query time is linear in the corpus at worst.

import { AuthorIndex } from './author-index.js';
import { DuplicateGroups } from './dedupe.js';
import { analyzeTerm, fold, rootKey, STOP_WORDS, tokenize, type Token } from './analyze.js';
import { dot } from './embedder.js';
import { HnswIndex, selectTop } from './ann.js';
import {
  containsPhrase,
  editDistance,
  LexicalIndex,
  postingHas,
  type Field,
  type WeightedTerm,
} from './lexical.js';
import { LsaModel, type LsaOptions } from './lsa.js';
import { parseQuery, type Filter, type ParsedQuery, type Phrase, type QueryTerm } from './query.js';
import type { PaperRecord, Track } from '../core/types.js';
import { isEnglishWord } from './words.js';

export const SEARCH_MODES = ['lexical', 'semantic', 'hybrid'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** A paper as the index sees it: the record plus where it lives and what enrichment added. */
export interface SearchDoc extends PaperRecord {
  corpus: string;
  keywords?: string[];
  /** Canonical dataset names found in the paper (entity extraction), for `dataset:`. */
  datasets?: string[];
  /** Code links found in the paper (entity extraction), for `has:code`. */
  codeLinks?: string[];
  /** The paper's broad area and fine topic (analysis), for `topic:`. */
  topics?: { id: string; label: string }[];
}

/** A precomputed set of document vectors and the way to embed a query into the same space. */
export interface VectorSet {
  name: string;
  /** Row-major n × dim, unit rows (zero rows allowed for missing vectors). */
  vectors: Float32Array;
  dim: number;
  embedQuery(text: string): Promise<Float32Array> | Float32Array;
  /** Weight in hybrid fusion relative to LSA's 1. */
  weight: number;
}

export interface FusionParams {
  /** Weight of the lexical signal in hybrid mode (semantic gets 1 − this). */
  lexicalWeight: number;
  /** Rocchio feedback: weight of the top documents' centroid added to the semantic query. */
  feedbackWeight: number;
  feedbackDocs: number;
}

/** Chosen on the quality set (bench/quality): see the README's search-quality section. */
export const DEFAULT_FUSION: FusionParams = {
  lexicalWeight: 0.4,
  feedbackWeight: 1,
  feedbackDocs: 5,
};

export interface SearchOptions {
  mode?: SearchMode;
  limit?: number;
  offset?: number;
  fusion?: Partial<FusionParams>;
  /** Snippets, highlights and matched terms for each hit (default true; off for ids-only batch runs). */
  details?: boolean;
}

export interface Highlight {
  start: number;
  end: number;
}

export interface SearchHit {
  id: string;
  corpus: string;
  /** The same paper's records in other corpora (see src/index/dedupe.ts). */
  alsoIn?: { corpus: string; id: string }[];
  title: string | null;
  authors: string[];
  track: Track | null;
  score: number;
  snippet: string;
  snippetHighlights: Highlight[];
  titleHighlights: Highlight[];
  explanation: {
    matchedTerms: string[];
    lexicalScore: number;
    semanticScore: number | null;
    filters: string[];
  };
}

export interface SearchResult {
  query: string;
  mode: SearchMode;
  total: number;
  offset: number;
  hits: SearchHit[];
  filters: Filter[];
  expansions: Record<string, string[]>;
  notes: string[];
  tookMs: number;
}

/** A paper with code: entity extraction's code links when known, else a code host among its links. */
const hasCode = (d: SearchDoc): 0 | 1 =>
  (d.codeLinks ? d.codeLinks.length > 0 : d.links.some((l) => CODE_HOSTS.test(l))) ? 1 : 0;

const CODE_HOSTS = /github\.com|gitlab\.com|bitbucket\.org|huggingface\.co|colab\.research/i;

export class SearchIndex {
  readonly docs: readonly SearchDoc[];
  readonly lexical: LexicalIndex;
  readonly lsa: LsaModel;
  private readonly lsaVectors: Float32Array;
  private readonly extra: VectorSet[];
  private readonly authors: AuthorIndex;
  /** Maps a `dataset:` value to the canonical name papers carry in `datasets` (when known). */
  datasetName: (value: string) => string | undefined = () => undefined;
  private readonly tokenCache = new Map<number, Token[]>();
  /** Approximate nearest-neighbour index over the LSA vectors (large corpora), or null. */
  private annIndex: HnswIndex | null = null;
  /** Above this many papers, a query scores only its best lexical matches (see prunable). */
  private pruneAbove = PRUNE_ABOVE_DOCS;
  private lexicalCandidates = ANN_LEXICAL_CANDIDATES;

  private constructor(
    docs: readonly SearchDoc[],
    lsa: LsaModel,
    lsaVectors: Float32Array,
    extra: VectorSet[],
    lexical?: LexicalIndex,
    authors?: AuthorIndex,
  ) {
    this.docs = docs;
    this.lsa = lsa;
    this.lsaVectors = lsaVectors;
    this.extra = extra;
    this.lexical = lexical ?? SearchIndex.buildLexical(docs);
    this.authors = authors ?? new AuthorIndex(docs);
    // Made now rather than at the first filtered query (0.3 s at a million papers).
    this.column('track');
    this.column('corpus');
  }

  /** The BM25F index of these papers (what `build` makes unless given one, e.g. loaded). */
  static buildLexical(
    docs: readonly SearchDoc[],
    onProgress?: (done: number) => void,
  ): LexicalIndex {
    return LexicalIndex.build(
      docs.map((d) => ({
        title: d.title ?? '',
        authors: d.authors.join(', '),
        abstract: d.abstract,
        keywords: (d.keywords ?? []).join(', '),
      })),
      undefined,
      onProgress,
    );
  }

  /** The text LSA sees for a paper: the title counts twice. */
  static semanticText(
    d: Pick<PaperRecord, 'title' | 'abstract'> & { keywords?: string[] },
  ): string {
    const t = d.title ?? '';
    return `${t}. ${t}. ${(d.keywords ?? []).join(', ')} ${d.abstract}`;
  }

  static build(
    docs: readonly SearchDoc[],
    opts: {
      lsa?: Partial<LsaOptions>;
      /** An LSA model already fitted on these documents and their vectors (from the store). */
      fitted?: { model: LsaModel; vectors: Float32Array };
      extra?: VectorSet[];
      /**
       * The ANN index over the LSA vectors (e.g. loaded from the store); null for exact
       * semantic search; by default built when there are more than ANN_MIN_DOCS papers.
       */
      ann?: HnswIndex | null;
      /** The lexical index of these documents, in this order (e.g. loaded from the store). */
      lexical?: LexicalIndex;
      /** Their author index, likewise. */
      authors?: AuthorIndex;
      /** Score only the best lexical matches above this many papers (default PRUNE_ABOVE_DOCS). */
      pruneAbove?: number;
      /** Best lexical matches scored semantically with the ANN's (default ANN_LEXICAL_CANDIDATES). */
      lexicalCandidates?: number;
    } = {},
  ): SearchIndex {
    const { model, vectors } =
      opts.fitted ??
      LsaModel.fitWithVectors(
        docs.map((d) => SearchIndex.semanticText(d)),
        opts.lsa,
      );
    if (opts.lexical && opts.lexical.size !== docs.length)
      throw new Error('the lexical index given was built over other documents');
    if (opts.authors && opts.authors.paperCount !== docs.length)
      throw new Error('the author index given was built over other documents');
    const index = new SearchIndex(
      docs,
      model,
      vectors,
      opts.extra ?? [],
      opts.lexical,
      opts.authors,
    );
    index.annIndex =
      opts.ann !== undefined
        ? opts.ann
        : docs.length > ANN_MIN_DOCS
          ? HnswIndex.build(vectors, model.dim)
          : null;
    if (opts.pruneAbove !== undefined) index.pruneAbove = opts.pruneAbove;
    if (opts.lexicalCandidates !== undefined) index.lexicalCandidates = opts.lexicalCandidates;
    return index;
  }

  /** The LSA vectors of the papers (row-major), e.g. to build an ANN index over them. */
  get lsaMatrix(): Float32Array {
    return this.lsaVectors;
  }

  /** The ANN index semantic search uses, or null when it is exact. */
  get ann(): HnswIndex | null {
    return this.annIndex;
  }

  /** Add (or replace) a vector set, e.g. USE vectors once they are computed. */
  withVectors(set: VectorSet): SearchIndex {
    const idx = Object.create(SearchIndex.prototype) as SearchIndex;
    Object.assign(idx, this, { extra: [...this.extra.filter((s) => s.name !== set.name), set] });
    return idx;
  }

  get vectorSets(): string[] {
    return ['lsa', ...this.extra.map((s) => s.name)];
  }

  private dupes: DuplicateGroups | undefined;

  /** Groups of records that are the same paper in different corpora (computed once). */
  get duplicates(): DuplicateGroups {
    this.dupes ??= new DuplicateGroups(this.docs);
    return this.dupes;
  }

  async search(input: string | ParsedQuery, opts: SearchOptions = {}): Promise<SearchResult> {
    const buf = this.takeScratch();
    try {
      return await this.searchWith(input, opts, buf);
    } finally {
      this.giveScratch(buf);
    }
  }

  /** Free per-query arrays, reused: see Scratch. */
  private scratchPool: Scratch[] = [];

  private takeScratch(): Scratch {
    const n = this.docs.length;
    const s = this.scratchPool.pop();
    if (!s) return newScratch(n);
    s.allowed.fill(1);
    s.lex.fill(0);
    s.score.fill(0);
    s.lexTop.fill(0);
    s.matched.fill(0);
    return s;
  }

  private giveScratch(s: Scratch): void {
    if (this.scratchPool.length < SCRATCH_POOL) this.scratchPool.push(s);
  }

  private async searchWith(
    input: string | ParsedQuery,
    opts: SearchOptions,
    buf: Scratch,
  ): Promise<SearchResult> {
    const t0 = performance.now();
    const mode = opts.mode ?? 'hybrid';
    const limit = Math.max(0, Math.min(opts.limit ?? 10, 1000));
    const offset = Math.max(0, opts.offset ?? 0);
    const fusion = { ...DEFAULT_FUSION, ...opts.fusion };
    // A caller's parsed query is not changed: inference works on a copy.
    const q = typeof input === 'string' ? parseQuery(input) : structuredClone(input);
    const notes = [...q.notes];
    const n = this.docs.length;

    this.inferAuthors(q);
    const { terms, expansions } = this.expandTerms(q.terms, notes);

    // 1. Which documents may appear at all.
    const { allowed } = buf;
    const applied: string[] = [];
    const appliedFilters: Filter[] = [];
    for (const f of q.filters) {
      const pass = this.filterMask(f, notes);
      if (!pass) continue;
      if (f.source === 'inferred' && !f.negated && !anyBoth(pass, allowed)) {
        notes.push(`no paper matches the ${f.kind} "${f.value}" read from the query; not applied`);
        continue;
      }
      appliedFilters.push(f);
      clearWhere(allowed, pass, f.negated ? 1 : 0);
      applied.push(
        `${f.negated ? '-' : ''}${f.kind}:${f.value}${f.source === 'inferred' ? ' (from the query text)' : ''}`,
      );
    }
    for (const t of q.excludeTerms) {
      for (const d of this.lexical.docsWith(t.term, t.field)) allowed[d] = 0;
    }
    for (const p of q.excludePhrases) this.phraseMask(p).forEach((v, i) => v && (allowed[i] = 0));
    for (const p of q.phrases) this.phraseMask(p).forEach((v, i) => !v && (allowed[i] = 0));

    // 2. Lexical scores: of every matching paper, or (large corpora) of the best ones only.
    const lexTerms: WeightedTerm[] = [];
    for (const t of terms) {
      const fields = t.field ? [t.field] : undefined;
      lexTerms.push({ term: t.term, weight: t.weight, ...(fields ? { fields } : {}) });
      if (!t.prefix)
        lexTerms.push({
          term: rootKey(t.root),
          weight: t.weight * ROOT_WEIGHT,
          ...(fields ? { fields } : {}),
        });
    }
    for (const p of q.phrases) {
      for (const tok of p.tokens)
        if (!isStop(tok.word))
          lexTerms.push({ term: tok.term, weight: 1, ...(p.field ? { fields: [p.field] } : {}) });
    }
    const hasText = terms.length > 0 || q.phrases.length > 0;
    const { lex } = buf;
    const pruned = hasText && this.prunable(mode, offset + limit, allowed);
    // A large corpus with a filter that leaves few papers (an author, a rare track): those
    // alone are scored, each by looking its words up, the same sums as scoring every posting
    // (at 1M papers scoring the postings of a common word took half a second).
    const few =
      !pruned && hasText && n > this.pruneAbove && countSet(allowed) < n * ANN_MIN_ALLOWED
        ? positionsSet(allowed)
        : null;
    let matched: { mask: Uint8Array; count: number } | null = null;
    // Pruned: the only papers whose scores are not the defaults (the best lexical matches and
    // the semantic candidates): ranking looks at these alone.
    let candidates: Set<number> | null = null;
    if (pruned) {
      // Enough of the best to fill the page after collapsing duplicates, and (hybrid) the
      // lexical candidates and feedback documents semantic scoring takes.
      const want = 2 * (offset + limit) + 64;
      const k = mode === 'lexical' ? want : Math.max(want, this.lexicalCandidates);
      const top = this.lexical.topK(lexTerms, k, allowed, {
        scores: buf.lexTop,
        matched: buf.matched,
      });
      top.docs.forEach((d, j) => (lex[d] = top.scores[j] ?? 0));
      matched = { mask: top.matched, count: top.count };
      candidates = new Set(top.docs);
    } else if (few) {
      for (const i of few) lex[i] = this.lexical.scoreDoc(lexTerms, i);
    } else {
      for (const t of lexTerms) this.lexical.accumulate(t.term, t.weight, lex, undefined, t.fields);
    }

    // 3. Semantic scores (cosine), with optional Rocchio feedback from the best lexical hits.
    if (!hasText && q.freeWords.length > 0 && !appliedFilters.length) {
      notes.push('the query has no searchable words (only common words); showing all papers');
    }
    let sem: Float64Array | null = null;
    let semMedian: number | undefined;
    if (mode !== 'lexical' && hasText) {
      // Pruned, lexical scores are zero outside the candidates: only those are looked at.
      const scored = candidates ? [...candidates].sort((a, b) => a - b) : undefined;
      const got = await this.semanticScores(
        q,
        lex,
        allowed,
        fusion,
        buf.sem,
        scored ?? few ?? undefined,
        few ?? undefined,
      );
      ({ sem, median: semMedian } = got);
      // Pruned: the ANN's papers that match a word but were not among the best lexical
      // matches get their lexical score too (one lookup per term), as exhaustive scoring would.
      if (matched)
        for (const i of got.near ?? []) {
          candidates?.add(i);
          if (matched.mask[i] && lex[i] === 0) lex[i] = this.lexical.scoreDoc(lexTerms, i);
        }
    }

    // 4. Fuse and rank.
    const { score } = buf;
    // Every paper, or (pruned, with approximate semantic scores) the candidates only.
    const cand = candidates && (!sem || semMedian !== undefined) ? [...candidates] : null;
    // Without words there is nothing to score: filters alone list papers in order.
    const m = !hasText ? 0 : cand ? cand.length : n;
    const at = (j: number) => (cand ? (cand[j] ?? 0) : j);
    let lexMax = 0;
    for (let j = 0; j < m; j++) {
      const i = at(j);
      if (allowed[i] && (lex[i] ?? 0) > lexMax) lexMax = lex[i] ?? 0;
    }
    let semNorm: ((i: number) => number) | null = null;
    if (sem && cand && semMedian !== undefined) {
      const some = normalizeAt(sem, allowed, semMedian, cand);
      semNorm = (i) => some.get(i) ?? 0;
    } else if (sem) {
      const all = normalizeSemantic(sem, allowed, semMedian);
      semNorm = (i) => all[i] ?? 0;
    }
    for (let j = 0; j < m; j++) {
      const i = at(j);
      if (!allowed[i]) continue;
      const l = lexMax > 0 ? (lex[i] ?? 0) / lexMax : 0;
      const s = semNorm ? semNorm(i) : 0;
      if (mode === 'lexical') score[i] = l;
      else if (mode === 'semantic') score[i] = s;
      else score[i] = fusion.lexicalWeight * l + (1 - fusion.lexicalWeight) * s;
    }
    let ranked: number[];
    if (!hasText) {
      ranked = positionsSet(allowed); // filters only: listing order
    } else {
      ranked = [];
      for (let j = 0; j < m; j++) {
        const i = at(j);
        if (!allowed[i]) continue;
        if (mode === 'lexical' && (lex[i] ?? 0) <= 0) continue;
        if (mode !== 'lexical' && (score[i] ?? 0) <= 0 && (lex[i] ?? 0) <= 0) continue;
        ranked.push(i);
        // Pruned: papers matching no word but close in meaning count as results too.
        if (matched && !matched.mask[i]) {
          matched.mask[i] = 1;
          matched.count++;
        }
      }
    }
    // The same paper in several corpora shows once (its best-ranked record) unless the query
    // picks a corpus; the hit lists the other records.
    const collapse = !appliedFilters.some((f) => f.kind === 'corpus' && !f.negated);
    let total: number;
    if (matched) {
      // Only the best matches were scored: count every match, then rank the scored ones.
      total = collapse
        ? this.duplicates.collapsedCount(matched.mask, matched.count)
        : matched.count;
      ranked.sort((a, b) => (score[b] ?? 0) - (score[a] ?? 0) || a - b);
      if (collapse) ranked = this.duplicates.collapse(ranked);
    } else if (hasText && ranked.length > LARGE_RANKING) {
      // Many matches: select the best instead of sorting them all (same order). How many
      // survive collapsing does not depend on the order, so the total is exact.
      total = collapse ? this.duplicates.collapse(ranked).length : ranked.length;
      const want = offset + limit;
      let top: number[] = [];
      for (let t = 2 * want + 64; ; t *= 2) {
        top = selectTop(ranked, score, t);
        if (collapse) top = this.duplicates.collapse(top);
        if (top.length >= want || t >= ranked.length) break;
      }
      ranked = top;
    } else {
      if (hasText) ranked.sort((a, b) => (score[b] ?? 0) - (score[a] ?? 0) || a - b);
      if (collapse) ranked = this.duplicates.collapse(ranked);
      total = ranked.length;
    }
    const highlightTerms = new Set<string>([
      ...terms.map((t) => t.term),
      ...q.phrases.flatMap((p) => p.tokens.map((t) => t.term)),
    ]);
    const details = opts.details ?? true;
    const hits = ranked
      .slice(offset, offset + limit)
      .map((i) =>
        this.hit(
          details,
          q.phrases,
          i,
          hasText ? (score[i] ?? 0) : 1,
          lex[i] ?? 0,
          sem ? (sem[i] ?? 0) : null,
          highlightTerms,
          terms,
          applied,
        ),
      );
    return {
      query: q.raw,
      mode,
      total,
      offset,
      hits,
      filters: appliedFilters,
      expansions,
      notes,
      tookMs: performance.now() - t0,
    };
  }

  /**
   * Can this query score only the best lexical matches? On large corpora, for the first pages,
   * in lexical mode, or in hybrid mode when semantic scores come from the ANN index (which
   * looks at the best lexical matches only anyway).
   */
  private prunable(mode: SearchMode, want: number, allowed: Uint8Array): boolean {
    if (this.docs.length <= this.pruneAbove || want > PRUNED_MAX_RESULTS) return false;
    if (mode === 'lexical') return true;
    if (mode === 'semantic' || !this.annIndex || this.extra.length > 0) return false;
    return countSet(allowed) >= this.docs.length * ANN_MIN_ALLOWED;
  }

  private async semanticScores(
    q: ParsedQuery,
    lex: Float64Array,
    allowed: Uint8Array,
    fusion: FusionParams,
    out: Float64Array,
    /** The only documents with a lexical score, ascending (else every document may have one). */
    scored?: readonly number[],
    /** The only documents that may be ranked (the others' scores are not computed). */
    only?: readonly number[],
  ): Promise<{ sem: Float64Array; median?: number; near?: number[] }> {
    const k = this.lsa.dim;
    let qv = this.lsa.embedOne(q.text);
    if (fusion.feedbackWeight > 0) {
      const top = topK(lex, allowed, fusion.feedbackDocs, scored);
      if (top.length) {
        const centroid = new Float32Array(k);
        for (const d of top)
          for (let c = 0; c < k; c++)
            centroid[c] = (centroid[c] ?? 0) + (this.lsaVectors[d * k + c] ?? 0) / top.length;
        const mixed = new Float32Array(k);
        for (let c = 0; c < k; c++)
          mixed[c] = (qv[c] ?? 0) + fusion.feedbackWeight * (centroid[c] ?? 0);
        qv = mixed;
      }
    }
    if (this.annIndex && this.extra.length === 0) {
      const approx = this.approximateSemantic(this.annIndex, qv, lex, allowed, out, scored);
      if (approx) return approx;
    }
    const sem = out.fill(0);
    let weightSum = 1;
    for (const i of only ?? this.docs.keys())
      sem[i] = dot(qv, this.lsaVectors.subarray(i * k, (i + 1) * k));
    for (const set of this.extra) {
      const ev = await set.embedQuery(q.text);
      weightSum += set.weight;
      for (const i of only ?? this.docs.keys())
        sem[i] =
          (sem[i] ?? 0) +
          set.weight * dot(ev, set.vectors.subarray(i * set.dim, (i + 1) * set.dim));
    }
    for (const i of only ?? this.docs.keys()) sem[i] = (sem[i] ?? 0) / weightSum;
    return { sem };
  }

  /**
   * Semantic scores of a large corpus without scoring every paper: exact cosines for the ANN
   * index's nearest papers and the best lexical matches; every other paper gets the median
   * cosine of a fixed sample (which normalisation maps to 0). Null when a narrow filter leaves
   * too few papers for the ANN beam (those are then scored exactly: there are few of them).
   */
  private approximateSemantic(
    ann: HnswIndex,
    qv: Float32Array,
    lex: Float64Array,
    allowed: Uint8Array,
    out: Float64Array,
    scored?: readonly number[],
  ): { sem: Float64Array; median: number; near: number[] } | null {
    const n = this.docs.length;
    const k = this.lsa.dim;
    if (countSet(allowed) < n * ANN_MIN_ALLOWED) return null;
    const exact = (i: number) => dot(qv, this.lsaVectors.subarray(i * k, (i + 1) * k));
    const sample: number[] = [];
    const step = n / ANN_MEDIAN_SAMPLE;
    for (let j = 0; j < ANN_MEDIAN_SAMPLE; j++) {
      const i = Math.floor(j * step);
      if (allowed[i]) sample.push(exact(i));
    }
    sample.sort((a, b) => a - b);
    const median = sample[Math.floor(sample.length / 2)] ?? 0;
    const sem = out.fill(median);
    const near = ann.search(qv, ANN_CANDIDATES, {
      ef: ANN_EF,
      accept: (i) => allowed[i] === 1,
    });
    for (const i of near.ids) sem[i] = exact(i);
    for (const i of topK(lex, allowed, this.lexicalCandidates, scored)) sem[i] = exact(i);
    return { sem, median, near: near.ids };
  }

  /** Exact full author names (2–4 words) in free text become an author filter; small typos too. */
  private inferAuthors(q: ParsedQuery): void {
    if (q.filters.some((f) => f.kind === 'author')) return;
    const words = q.freeWords;
    // Fuzzy name matching scans every author: a long query of made-up words must not make it
    // scan once per window (a 1000-character query took a second), so repeats are skipped and
    // only the first FUZZY_NAME_WINDOWS windows are tried.
    const tried = new Set<string>();
    for (let len = Math.min(4, words.length); len >= 2; len--) {
      for (let s = 0; s + len <= words.length; s++) {
        const win = words.slice(s, s + len);
        const key = win.join(' ');
        let entry = this.authors.get(key);
        if (
          entry === undefined &&
          key.length >= 9 &&
          !tried.has(key) &&
          tried.add(key).size <= FUZZY_NAME_WINDOWS &&
          // Only words the titles and abstracts never use can be a misspelt name ("pieter abeel").
          win.every(
            (w) => !STOP_WORDS.has(w) && !this.lexical.inFields(analyzeTerm(w), CONTENT_FIELDS),
          )
        ) {
          let best: number | undefined;
          let bestD = 3;
          for (const e of this.authorsSharingAWord(win)) {
            const other = this.authors.key(e);
            if (Math.abs(other.length - key.length) > 2) continue;
            const d = editDistance(key, other, 2);
            if (d < bestD) {
              bestD = d;
              best = e;
            }
          }
          entry = best;
        }
        if (entry !== undefined) {
          q.filters.push({
            kind: 'author',
            value: this.authors.display(entry),
            negated: false,
            source: 'inferred',
          });
          const used = new Set(win);
          const glued = win.join('');
          q.terms = q.terms.filter(
            (t) => t.field !== undefined || (!used.has(t.word) && !glued.includes(t.word)),
          );
          q.freeWords = [...words.slice(0, s), ...words.slice(s + len)];
          q.text = [...q.freeWords, ...q.phrases.map((p) => p.text)].join(' ').trim();
          return;
        }
      }
    }
  }

  /**
   * Authors with a word of their name among `words`: the candidates for a misspelt name (a
   * name within two edits of a two-word query shares a word with it unless both words are
   * misspelt; scanning every author instead cost 0.2 s a query at 100k papers).
   */
  private authorsSharingAWord(words: readonly string[]): Set<number> {
    const out = new Set<number>();
    for (const w of words) for (const e of this.authors.withWord(w)) out.add(e);
    return out;
  }

  private expandTerms(
    qterms: QueryTerm[],
    notes: string[],
  ): { terms: (QueryTerm & { weight: number })[]; expansions: Record<string, string[]> } {
    const out: (QueryTerm & { weight: number })[] = [];
    const expansions: Record<string, string[]> = {};
    const seen = new Set<string>();
    // Typo correction scans the vocabulary once per unknown word: bounded per query.
    let corrections = 0;
    for (const t of qterms) {
      if (seen.has(`${t.field ?? ''}:${t.term}`)) continue;
      seen.add(`${t.field ?? ''}:${t.term}`);
      if (t.prefix) {
        const base = t.word.startsWith(t.term) ? t.term : t.word;
        const ex = this.lexical.expandPrefix(base, 30);
        const w = ex.length ? 1 / Math.sqrt(ex.length) : 0;
        for (const e of ex) out.push({ ...t, term: e, weight: Math.max(w, 0.35) });
        expansions[`${t.word}*`] = ex;
        continue;
      }
      if (this.lexical.has(t.term)) {
        out.push({ ...t, weight: 1 });
        continue;
      }
      // Unknown word: a typo? Only when it is no English word either (prose, chase are not typos).
      if (
        t.word.length >= 4 &&
        !t.joined &&
        !/\d/.test(t.word) &&
        !isEnglishWord(t.word) &&
        corrections++ < MAX_TYPO_CORRECTIONS
      ) {
        const max = t.term.length >= 8 ? 2 : 1;
        const cands = this.lexical
          .similarTerms(t.term, max)
          .sort((a, b) => this.lexical.df(b) - this.lexical.df(a))
          .slice(0, 3);
        if (cands.length) {
          for (const c of cands) out.push({ ...t, term: c, weight: 0.8 });
          expansions[t.word] = cands;
          notes.push(`"${t.word}" is not in the corpus; also searched ${cands.join(', ')}`);
          continue;
        }
      }
      out.push({ ...t, weight: 1 });
    }
    return { terms: out, expansions };
  }

  private readonly columns = new Map<string, { codes: Uint16Array; values: string[] } | null>();

  /**
   * A field's value of every paper as a code into its distinct values (computed once); null
   * past 65,536 distinct values.
   */
  private column(field: 'track' | 'corpus'): { codes: Uint16Array; values: string[] } | null {
    let c = this.columns.get(field);
    if (c === undefined) {
      const values: string[] = [];
      const codeOf = new Map<string, number>();
      const codes = new Uint16Array(this.docs.length);
      this.docs.forEach((d, i) => {
        const v = d[field] ?? '';
        let k = codeOf.get(v);
        if (k === undefined) {
          k = values.length;
          codeOf.set(v, k);
          values.push(v);
        }
        codes[i] = k;
      });
      c = values.length <= 0x10000 ? { codes, values } : null;
      this.columns.set(field, c);
    }
    return c;
  }

  private filterMask(f: Filter, notes: string[]): Uint8Array | null {
    const n = this.docs.length;
    const m = new Uint8Array(n);
    switch (f.kind) {
      case 'track':
      case 'corpus': {
        // One pass over a column of small codes (a million papers' objects are slow to visit).
        const field = f.kind === 'track' ? 'track' : 'corpus';
        const col = this.column(field);
        if (!col) {
          this.docs.forEach((d, i) => (m[i] = d[field] === f.value ? 1 : 0));
          return m;
        }
        const want = col.values.indexOf(f.value);
        if (want >= 0) markEqual(col.codes, want, m);
        return m;
      }
      case 'has':
        this.docs.forEach((d, i) => {
          m[i] =
            f.value === 'code'
              ? hasCode(d)
              : f.value === 'links'
                ? d.links.length
                  ? 1
                  : 0
                : d.title
                  ? 1
                  : 0;
        });
        return m;
      case 'author': {
        const want = fold(f.value)
          .replace(/[^a-z0-9 ]+/g, ' ')
          .split(/\s+/)
          .filter(Boolean);
        let matched = false;
        for (const e of this.authors.withWord(want[0] ?? '')) {
          const words = this.authors.words(e);
          if (want.every((w) => words.includes(w))) {
            matched = true;
            for (const d of this.authors.papersOf(e)) m[d] = 1;
          }
        }
        if (!matched && want.length) {
          const key = want.join(' ');
          for (const e of this.authorsSharingAWord(want)) {
            if (editDistance(key, this.authors.key(e), 2) <= (key.length >= 9 ? 2 : 1)) {
              matched = true;
              for (const d of this.authors.papersOf(e)) m[d] = 1;
            }
          }
          if (matched) notes.push(`no author named exactly "${f.value}"; matched close spellings`);
        }
        return m;
      }
      case 'dataset': {
        // Entity extraction's canonical names when the papers carry them (CIFAR10, CIFAR 10 and
        // cifar-10 are one dataset); otherwise the name as a phrase of the title or abstract.
        const canonical = this.datasetName(f.value);
        if (canonical && this.docs.some((d) => d.datasets)) {
          this.docs.forEach((d, i) => (m[i] = d.datasets?.includes(canonical) ? 1 : 0));
          return m;
        }
        const tokens = tokenize(f.value, { keepStopWords: true }).filter((t) => !t.joined);
        const phrase = this.phraseMask({ text: f.value, tokens });
        const joined = tokens.map((t) => t.word).join('');
        const glued =
          tokens.length > 1 ? this.lexical.docsWith(analyzeTerm(joined)) : new Uint32Array(0);
        for (const d of glued) phrase[d] = 1;
        return phrase;
      }
      case 'topic': {
        if (!this.docs.some((d) => d.topics)) {
          notes.push('topics are not computed for this database yet; topic: filter ignored');
          return null;
        }
        // A topic id (t3, t3.2) or words of a topic's label ("graph neural").
        const want = fold(f.value).trim();
        const isId = /^t\d+(\.\d+)?$/.test(want);
        const words = want.split(/[^a-z0-9]+/).filter(Boolean);
        this.docs.forEach((d, i) => {
          m[i] = (d.topics ?? []).some((t) =>
            isId
              ? t.id === want
              : words.every((w) =>
                  fold(t.label)
                    .split(/[^a-z0-9]+/)
                    .includes(w),
                ),
          )
            ? 1
            : 0;
        });
        if (!m.some(Boolean))
          notes.push(`no topic matches "${f.value}" (see \`confscope topics\`)`);
        return m;
      }
    }
  }

  private phraseMask(p: Phrase): Uint8Array {
    const m = new Uint8Array(this.docs.length);
    // Only documents holding every term can hold the phrase.
    const content = p.tokens.filter((t) => !isStop(t.word));
    let cands: Iterable<number> = this.docs.keys();
    if (content.length) {
      const rarest = content.reduce((a, b) =>
        this.lexical.df(a.term) <= this.lexical.df(b.term) ? a : b,
      );
      cands = this.lexical.docsWith(rarest.term);
    }
    for (const i of cands) {
      const d = this.docs[i];
      if (!d) continue;
      const fields: Record<Field, string> = {
        title: d.title ?? '',
        authors: d.authors.join(', '),
        abstract: d.abstract,
        keywords: (d.keywords ?? []).join(', '),
      };
      const texts = p.field ? [fields[p.field]] : Object.values(fields);
      m[i] = texts.some((t) => containsPhrase(t, p.tokens)) ? 1 : 0;
    }
    return m;
  }

  /** Tokens of a paper's abstract (capped like snippets), kept in a small LRU cache. */
  private abstractTokens(i: number): Token[] {
    let toks = this.tokenCache.get(i);
    if (toks) {
      this.tokenCache.delete(i);
    } else {
      toks = tokenize(snippetSource(this.docs[i]?.abstract ?? ''));
      if (this.tokenCache.size >= TOKEN_CACHE_SIZE) {
        const oldest = this.tokenCache.keys().next();
        if (!oldest.done) this.tokenCache.delete(oldest.value);
      }
    }
    this.tokenCache.set(i, toks);
    return toks;
  }

  private hit(
    details: boolean,
    phrases: readonly Phrase[],
    i: number,
    score: number,
    lex: number,
    sem: number | null,
    hl: Set<string>,
    terms: QueryTerm[],
    filters: string[],
  ): SearchHit {
    const d = this.docs[i] as SearchDoc;
    const { snippet, highlights } = details
      ? makeSnippet(d.abstract, hl, (t) => this.lexical.idf(t), 280, this.abstractTokens(i))
      : { snippet: '', highlights: [] };
    const matched = new Set<string>();
    if (details) {
      for (const t of terms) {
        if (postingHas(this.lexical.docsWith(t.term), i)) matched.add(t.word);
        else if (!t.prefix && postingHas(this.lexical.docsWith(rootKey(t.root)), i))
          matched.add(`${t.word} (related form)`);
      }
      for (const p of phrases) matched.add(`"${p.text}"`);
    }
    const alsoIn = this.duplicates.others(i).map((j) => {
      const o = this.docs[j] as SearchDoc;
      return { corpus: o.corpus, id: o.id };
    });
    return {
      id: d.id,
      corpus: d.corpus,
      title: d.title,
      authors: d.authors,
      track: d.track,
      ...(alsoIn.length ? { alsoIn } : {}),
      score: round(score),
      snippet,
      snippetHighlights: highlights,
      titleHighlights: details && d.title ? highlightRanges(d.title, hl) : [],
      explanation: {
        matchedTerms: [...matched],
        lexicalScore: round(lex),
        semanticScore: sem === null ? null : round(sem),
        filters,
      },
    };
  }
}

/** A word these fields use is not taken for a misspelt author name. */
const CONTENT_FIELDS: readonly Field[] = ['title', 'abstract'];

/** Above this many papers, semantic search goes through the ANN index (exact below). */
export const ANN_MIN_DOCS = 20_000;
/** Papers the ANN index proposes per query, and its beam width. */
const ANN_CANDIDATES = 100;
const ANN_EF = 256;
/** The best lexical matches are scored exactly too, so hybrid fusion sees both signals. */
const ANN_LEXICAL_CANDIDATES = 1000;
/** Sample for the median cosine that stands for the papers outside the candidates. */
const ANN_MEDIAN_SAMPLE = 2001;
/** Filters leaving less than this share of papers are searched exactly. */
const ANN_MIN_ALLOWED = 0.05;
/** Above this many papers, queries score only their best lexical matches (MaxScore). */
export const PRUNE_ABOVE_DOCS = 20_000;

/**
 * A query's arrays over every paper. At a million papers they are 35 MB a query; allocated
 * afresh, they made the engine collect garbage every few queries, walking the whole heap
 * (pauses of 2 s), so a few sets are kept and reused.
 */
interface Scratch {
  allowed: Uint8Array;
  lex: Float64Array;
  score: Float64Array;
  sem: Float64Array;
  /** Lexical topK's accumulator and match mask. */
  lexTop: Float64Array;
  matched: Uint8Array;
}

/** Scratch sets kept for reuse (more are made for more concurrent queries, then dropped). */
const SCRATCH_POOL = 2;

const newScratch = (n: number): Scratch => ({
  allowed: new Uint8Array(n).fill(1),
  lex: new Float64Array(n),
  score: new Float64Array(n),
  sem: new Float64Array(n),
  lexTop: new Float64Array(n),
  matched: new Uint8Array(n),
});
/** Pages reaching past this many results are scored exhaustively. */
const PRUNED_MAX_RESULTS = 500;
/** Result lists longer than this are selected (top offset + limit), not fully sorted. */
const LARGE_RANKING = 5000;

/** Weight of a match on the Porter root only (generalize for generalization) relative to an exact one. */
const ROOT_WEIGHT = 0.5;
/** At most this many unknown words of a query are typo-corrected (each scans the vocabulary). */
const MAX_TYPO_CORRECTIONS = 16;
/** At most this many word windows of a query are matched fuzzily against author names. */
const FUZZY_NAME_WINDOWS = 24;

/** Stop words are not indexed, so a phrase's stop words only matter for adjacency. */
const isStop = (w: string) => STOP_WORDS.has(w);
const round = (x: number) => Math.round(x * 10000) / 10000;

/**
 * normalizeSemantic with a known median, for these papers only (every other one is at the
 * median, so maps to 0).
 */
function normalizeAt(
  sem: Float64Array,
  mask: Uint8Array,
  known: number,
  only: readonly number[],
): Map<number, number> {
  let max = known;
  for (const i of only) if (mask[i] && (sem[i] ?? 0) > max) max = sem[i] ?? 0;
  const span = max - known || 1;
  const out = new Map<number, number>();
  for (const i of only) out.set(i, Math.max(0, ((sem[i] ?? 0) - known) / span));
  return out;
}

// Loops over every paper live in small functions of their own, which the engine optimises
// early: inside the long search function they ran unoptimised, ~40 ns a paper.

/** Clear allowed[i] wherever pass[i] is `value`. */
function clearWhere(allowed: Uint8Array, pass: Uint8Array, value: 0 | 1): void {
  for (let i = 0; i < allowed.length; i++) if (pass[i] === value) allowed[i] = 0;
}

/** Set out[i] where codes[i] is `code`. */
function markEqual(codes: Uint16Array, code: number, out: Uint8Array): void {
  for (let i = 0; i < codes.length; i++) if (codes[i] === code) out[i] = 1;
}

/** How many positions are set. */
function countSet(mask: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < mask.length; i++) c += mask[i] ?? 0;
  return c;
}

/** The set positions, ascending. */
function positionsSet(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return out;
}

/** Is some position set in both masks? */
function anyBoth(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] && b[i]) return true;
  return false;
}

/** The k best positive allowed entries of `a` (ties to the lower index); only `among` if given (ascending). */
function topK(a: Float64Array, mask: Uint8Array, k: number, among?: readonly number[]): number[] {
  const idx: number[] = [];
  if (among) {
    for (const i of among) if (mask[i] && (a[i] ?? 0) > 0) idx.push(i);
  } else for (let i = 0; i < a.length; i++) if (mask[i] && (a[i] ?? 0) > 0) idx.push(i);
  if (idx.length > 4 * k + LARGE_RANKING) return selectTop(idx, a, k);
  return idx.sort((x, y) => (a[y] ?? 0) - (a[x] ?? 0)).slice(0, k);
}

/**
 * Map cosines to [0, 1]: 0 at the median of the allowed documents (or the `median` given, for
 * approximate scores), 1 at the best.
 */
function normalizeSemantic(sem: Float64Array, mask: Uint8Array, known?: number): Float64Array {
  if (known !== undefined) {
    let max = known;
    for (let i = 0; i < sem.length; i++) if (mask[i] && (sem[i] ?? 0) > max) max = sem[i] ?? 0;
    const span = max - known || 1;
    return sem.map((v) => Math.max(0, (v - known) / span));
  }
  const vals: number[] = [];
  for (let i = 0; i < sem.length; i++) if (mask[i]) vals.push(sem[i] ?? 0);
  if (!vals.length) return new Float64Array(sem.length);
  vals.sort((a, b) => a - b);
  const median = vals[Math.floor(vals.length / 2)] ?? 0;
  const max = vals[vals.length - 1] ?? 0;
  const span = max - median || 1;
  return sem.map((v) => Math.max(0, (v - median) / span));
}

function highlightRanges(text: string, terms: Set<string>): Highlight[] {
  return tokenize(text, { keepStopWords: false })
    .filter((t) => terms.has(t.term))
    .map((t) => ({ start: t.start, end: t.end }))
    .filter((h, i, a) => i === 0 || h.start >= (a[i - 1]?.end ?? 0));
}

/** The abstract's best sentence (and its neighbour when short) for these terms, with highlights. */
const TOKEN_CACHE_SIZE = 4096;
/** Only the start of a huge abstract is considered for its snippet. */
const snippetSource = (t: string) => (t.length > 20_000 ? t.slice(0, 20_000) : t);

export function makeSnippet(
  fullText: string,
  terms: Set<string>,
  idf: (t: string) => number,
  maxLen = 280,
  tokens?: readonly Token[],
): { snippet: string; highlights: Highlight[] } {
  // One tokenisation serves scoring the sentences and marking the matches.
  const text = snippetSource(fullText);
  const sentences: [number, number][] = [];
  const re = /[^.!?]+(?:[.!?]+|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    sentences.push([m.index, m.index + m[0].length]);
  }
  const hits = (tokens ?? tokenize(text)).filter((t) => terms.has(t.term));
  const seen = sentences.map(() => new Set<string>());
  let si = 0;
  for (const t of hits) {
    while (si < sentences.length - 1 && (sentences[si]?.[1] ?? 0) <= t.start) si++;
    seen[si]?.add(t.term);
  }
  let best = 0;
  let bestScore = -1;
  seen.forEach((set, i) => {
    let sc = 0;
    for (const t of set) sc += idf(t);
    if (sc > bestScore) {
      bestScore = sc;
      best = i;
    }
  });
  let [start, end] = sentences[best] ?? [0, text.length];
  while (start < end && /\s/.test(text[start] ?? '')) start++;
  const next = sentences[best + 1];
  if (end - start < maxLen / 2 && next) end = next[1];
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  let cut = false;
  if (end - start > maxLen) {
    const sp = text.lastIndexOf(' ', start + maxLen);
    end = sp > start + maxLen / 2 ? sp : start + maxLen;
    cut = true;
  }
  const snippet = text.slice(start, end);
  const highlights: Highlight[] = [];
  for (const t of hits) {
    if (t.start < start || t.end > end) continue;
    const h = { start: t.start - start, end: t.end - start };
    if (highlights.length && h.start < (highlights[highlights.length - 1]?.end ?? 0)) continue;
    highlights.push(h);
  }
  return { snippet: cut ? `${snippet} …` : snippet, highlights };
}
