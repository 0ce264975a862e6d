// Enrichment: join a second source of the same papers (virtual site, OpenReview, paperlists…)
// to a corpus and fill what the corpus lacks. Pure: records in, records + a report out.
//
// Matching, in order, one-to-one: a shared external id (OpenReview, arXiv, DOI); the same
// normalised title (when unique on both sides); then, for what is left, a score from the
// abstract, the authors and the title words, accepted only when it is high and clearly
// better than the runner-up. What the corpus already says is never overwritten: a different
// value in the source becomes a warning on the record.

import type { ExternalIds, PaperRecord } from '../core/types.js';
import { normalizeKey } from './text.js';

const foldAccents = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '');

export type MatchMethod = 'id' | 'title' | 'similarity';

export interface EnrichMatch {
  /** Id of the corpus record. */
  id: string;
  /** Title in the corpus (null when lost) and in the source. */
  title: string | null;
  sourceTitle: string | null;
  method: MatchMethod;
  /** 1 for id and title matches; the similarity score otherwise. */
  score: number;
  /** Fields filled from the source. */
  filled: string[];
  /** Fields where the source says something else (kept as warnings). */
  disagreements: string[];
}

export interface EnrichReport {
  source: string;
  corpusRecords: number;
  sourceRecords: number;
  matched: Record<MatchMethod, number>;
  /** Corpus records no source record matched. */
  unmatched: { id: string; title: string | null }[];
  /** Source records that matched nothing (e.g. rejected papers in a submissions list). */
  sourceUnmatched: number;
  /** How many records got each field. */
  filled: Record<string, number>;
  /** How many records disagree with the source on each field. */
  disagreements: Record<string, number>;
  matches: EnrichMatch[];
}

export interface EnrichResult {
  records: PaperRecord[];
  report: EnrichReport;
}

export interface EnrichOptions {
  /** Lowest similarity score accepted (0–1). */
  minScore?: number;
  /** How far the best candidate must be ahead of the second (0–1). */
  minMargin?: number;
}

const DEFAULTS = { minScore: 0.55, minMargin: 0.1 };

/** Title as compared: the key record ids are made from (folded, lower case, alphanumerics). */
export const normalizeTitle = normalizeKey;

/** A person as compared across sources: folded surname (last word) and first initial. */
function authorKey(name: string): string {
  const words = foldAccents(name)
    .toLowerCase()
    .replace(/[^a-z\s-]+/g, ' ')
    .split(/[\s-]+/)
    .filter(Boolean);
  const last = words.at(-1) ?? '';
  return `${words[0]?.[0] ?? ''}.${last}`;
}

const tokens = (text: string): string[] =>
  foldAccents(text)
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2);

function counts(words: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [w, x] of a) {
    na += x * x;
    const y = b.get(w);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return 0;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

interface Profile {
  abstract: Map<string, number>;
  authors: Set<string>;
  title: Set<string>;
}

function profile(r: PaperRecord): Profile {
  return {
    abstract: counts(tokens(r.abstract)),
    authors: new Set(r.authors.map(authorKey)),
    title: new Set(tokens(r.title ?? '')),
  };
}

/**
 * Similarity of two records from what both have: abstract (weight 0.5), authors (0.3) and title
 * words (0.2), averaged over the parts present on both sides; null when fewer than two are.
 */
function similarity(a: Profile, b: Profile): number | null {
  const parts: [number, number][] = [];
  if (a.abstract.size && b.abstract.size) parts.push([0.5, cosine(a.abstract, b.abstract)]);
  if (a.authors.size && b.authors.size) parts.push([0.3, jaccard(a.authors, b.authors)]);
  if (a.title.size && b.title.size) parts.push([0.2, jaccard(a.title, b.title)]);
  if (parts.length < 2) return null;
  const w = parts.reduce((s, [x]) => s + x, 0);
  return parts.reduce((s, [x, v]) => s + x * v, 0) / w;
}

const ID_KINDS = ['openreview', 'arxiv', 'doi'] as const;

function idKeys(r: PaperRecord): string[] {
  const ids = r.externalIds ?? {};
  return ID_KINDS.flatMap((k) => (ids[k] ? [`${k}:${ids[k].toLowerCase()}`] : []));
}

/** Pair corpus records with source records, one-to-one. */
function pairUp(
  corpus: readonly PaperRecord[],
  source: readonly PaperRecord[],
  opts: Required<EnrichOptions>,
): { pairs: Map<number, { j: number; method: MatchMethod; score: number }> } {
  const pairs = new Map<number, { j: number; method: MatchMethod; score: number }>();
  const taken = new Set<number>();
  const take = (i: number, j: number, method: MatchMethod, score: number) => {
    pairs.set(i, { j, method, score });
    taken.add(j);
  };

  // 1. Shared external ids.
  const byId = new Map<string, number>();
  source.forEach((s, j) => {
    for (const k of idKeys(s)) if (!byId.has(k)) byId.set(k, j);
  });
  corpus.forEach((r, i) => {
    for (const k of idKeys(r)) {
      const j = byId.get(k);
      if (j !== undefined && !taken.has(j)) {
        take(i, j, 'id', 1);
        return;
      }
    }
  });

  // 2. The same normalised title, unique on both sides.
  const titleIndex = (records: readonly PaperRecord[], skip: (i: number) => boolean) => {
    const m = new Map<string, number[]>();
    records.forEach((r, i) => {
      if (skip(i) || r.title === null) return;
      const t = normalizeTitle(r.title);
      if (!t) return;
      const list = m.get(t);
      if (list) list.push(i);
      else m.set(t, [i]);
    });
    return m;
  };
  const corpusTitles = titleIndex(corpus, (i) => pairs.has(i));
  const sourceTitles = titleIndex(source, (j) => taken.has(j));
  for (const [t, is] of corpusTitles) {
    const js = sourceTitles.get(t);
    if (is.length === 1 && js?.length === 1) take(is[0] ?? 0, js[0] ?? 0, 'title', 1);
  }

  // 3. Similarity for the rest: a pair is taken only when each is the other's best candidate,
  // clearly ahead of both runners-up (so twins and near-duplicates stay unmatched).
  const restI = corpus.map((_, i) => i).filter((i) => !pairs.has(i));
  const restJ = source.map((_, j) => j).filter((j) => !taken.has(j));
  if (!restI.length || !restJ.length) return { pairs };
  const sourceProfiles = restJ.map((j) => profile(source[j] as PaperRecord));
  type Best = { score: number; other: number; second: number };
  const bestOfI = new Map<number, Best>();
  const bestOfJ = new Map<number, Best>();
  const offer = (m: Map<number, Best>, key: number, other: number, score: number) => {
    const b = m.get(key);
    if (!b) m.set(key, { score, other, second: 0 });
    else if (score > b.score) m.set(key, { score, other, second: b.score });
    else if (score > b.second) b.second = score;
  };
  for (const i of restI) {
    const p = profile(corpus[i] as PaperRecord);
    restJ.forEach((j, k) => {
      const s = similarity(p, sourceProfiles[k] as Profile);
      if (s === null || s <= 0) return;
      offer(bestOfI, i, j, s);
      offer(bestOfJ, j, i, s);
    });
  }
  const accepted: { i: number; j: number; score: number }[] = [];
  for (const [i, b] of bestOfI) {
    const back = bestOfJ.get(b.other);
    if (
      back?.other === i &&
      b.score >= opts.minScore &&
      b.score - b.second >= opts.minMargin &&
      back.score - back.second >= opts.minMargin
    )
      accepted.push({ i, j: b.other, score: b.score });
  }
  for (const a of accepted) take(a.i, a.j, 'similarity', a.score);
  return { pairs };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
};

const quote = (s: string) => JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);

/** Fill `target` from `from`; returns the merged record and what was filled or disagreed. */
function merge(
  target: PaperRecord,
  from: PaperRecord,
  source: string,
): { record: PaperRecord; filled: string[]; disagreements: string[] } {
  const out: PaperRecord = { ...target, warnings: [...target.warnings] };
  const provenance: Record<string, string> = { ...(target.provenance ?? {}) };
  const filled: string[] = [];
  const disagreements: string[] = [];
  const warn = (field: string, text: string) => {
    disagreements.push(field);
    const w = `enrich ${source}: ${field} kept as the corpus has it; ${text}`;
    if (!out.warnings.includes(w)) out.warnings.push(w);
  };
  const fill = (field: string) => {
    filled.push(field);
    provenance[field] = source;
  };

  if (from.title !== null) {
    if (out.title === null) {
      out.title = from.title;
      fill('title');
    } else if (normalizeTitle(out.title) !== normalizeTitle(from.title)) {
      warn('title', `the source has ${quote(from.title)}`);
    }
  }
  if (from.authors.length) {
    if (!out.authors.length) {
      out.authors = [...from.authors];
      fill('authors');
    } else if (!sameList(out.authors.map(authorKey), from.authors.map(authorKey))) {
      warn('authors', `the source has ${quote(from.authors.join(', '))}`);
    }
  }
  if (!out.abstract.trim() && from.abstract.trim()) {
    out.abstract = from.abstract;
    fill('abstract');
  }
  if (out.track === null && from.track !== null) {
    out.track = from.track;
    fill('track');
  }
  const newLinks = from.links.filter((l) => !out.links.includes(l));
  if (newLinks.length) {
    out.links = [...out.links, ...newLinks];
    fill('links');
  }
  for (const field of ['tldr', 'decision', 'pdf'] as const) {
    const v = from[field];
    if (v === undefined || v === '') continue;
    const mine = out[field];
    if (mine === undefined) {
      out[field] = v;
      fill(field);
    } else if (mine !== v) warn(field, `the source has ${quote(v)}`);
  }
  if (from.keywords?.length) {
    if (!out.keywords?.length) {
      out.keywords = [...from.keywords];
      fill('keywords');
    } else if (!sameSet(out.keywords.map(normalizeKey), from.keywords.map(normalizeKey))) {
      // Counted in the report only: sources curate keywords differently (the ICLR virtual
      // site's differ from the authors' own for most papers), so a warning each is noise.
      disagreements.push('keywords');
    }
  }
  if (from.externalIds) {
    const ids: ExternalIds = { ...(out.externalIds ?? {}) };
    let added = false;
    for (const k of ID_KINDS) {
      const v = from.externalIds[k];
      if (!v) continue;
      if (!ids[k]) {
        ids[k] = v;
        added = true;
      } else if (ids[k] !== v) warn(`externalIds.${k}`, `the source has ${quote(v)}`);
    }
    if (added) {
      out.externalIds = ids;
      fill('externalIds');
    }
  }
  if (Object.keys(provenance).length) out.provenance = provenance;
  return { record: out, filled, disagreements };
}

/**
 * Join `source` (records of any importer) to `corpus`. Records come back in corpus order with
 * the same ids; `sourceName` is what provenance and warnings cite.
 */
export function enrichRecords(
  corpus: readonly PaperRecord[],
  source: readonly PaperRecord[],
  sourceName: string,
  options: EnrichOptions = {},
): EnrichResult {
  const opts = { ...DEFAULTS, ...options };
  const { pairs } = pairUp(corpus, source, opts);
  const report: EnrichReport = {
    source: sourceName,
    corpusRecords: corpus.length,
    sourceRecords: source.length,
    matched: { id: 0, title: 0, similarity: 0 },
    unmatched: [],
    sourceUnmatched: source.length - pairs.size,
    filled: {},
    disagreements: {},
    matches: [],
  };
  const records = corpus.map((r, i) => {
    const p = pairs.get(i);
    if (!p) {
      report.unmatched.push({ id: r.id, title: r.title });
      return r;
    }
    const from = source[p.j] as PaperRecord;
    const { record, filled, disagreements } = merge(r, from, sourceName);
    report.matched[p.method]++;
    for (const f of filled) report.filled[f] = (report.filled[f] ?? 0) + 1;
    for (const f of new Set(disagreements))
      report.disagreements[f] = (report.disagreements[f] ?? 0) + 1;
    report.matches.push({
      id: r.id,
      title: r.title,
      sourceTitle: from.title,
      method: p.method,
      score: Math.round(p.score * 1000) / 1000,
      filled,
      disagreements: [...new Set(disagreements)],
    });
    return record;
  });
  return { records, report };
}
