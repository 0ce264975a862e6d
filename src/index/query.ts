// The query language: free words, "phrases", prefix*, -negation and field filters
// (track:, author:, title:, abstract:, topic:, dataset:, has:code, corpus:). The parser never
// throws: anything it cannot read becomes plain text, with a note saying so.

import { tokenize, type Token } from './analyze.js';
import type { Field } from './lexical.js';
import { TRACKS, type Track } from '../core/types.js';

export const MAX_QUERY_CHARS = 1000;

export type FilterKind = 'track' | 'author' | 'topic' | 'dataset' | 'has' | 'corpus';

export interface Filter {
  kind: FilterKind;
  value: string;
  negated: boolean;
  /** `explicit` from field syntax; `inferred` from free text ("spotlight papers on …"). */
  source: 'explicit' | 'inferred';
}

export interface QueryTerm {
  /** Folded surface word. */
  word: string;
  /** Light stem (plurals folded). */
  term: string;
  /** Porter root, for related forms. */
  root: string;
  prefix: boolean;
  field?: Field;
  /** Glued from a hyphenated compound: matched as is, never typo-corrected. */
  joined?: boolean;
}

export interface Phrase {
  text: string;
  tokens: Token[];
  field?: Field;
}

export interface ParsedQuery {
  raw: string;
  /** Free text with operators and filters removed: what the semantic side embeds. */
  text: string;
  terms: QueryTerm[];
  phrases: Phrase[];
  excludeTerms: QueryTerm[];
  excludePhrases: Phrase[];
  filters: Filter[];
  /** Folded words of the plain free text, stop words included, in order. */
  freeWords: string[];
  notes: string[];
}

const FIELD_ALIASES: Record<string, Field> = {
  title: 'title',
  ti: 'title',
  abstract: 'abstract',
  abs: 'abstract',
  keyword: 'keywords',
  keywords: 'keywords',
  kw: 'keywords',
};

const FILTER_ALIASES: Record<string, FilterKind> = {
  track: 'track',
  type: 'track',
  author: 'author',
  authors: 'author',
  by: 'author',
  topic: 'topic',
  dataset: 'dataset',
  data: 'dataset',
  has: 'has',
  corpus: 'corpus',
};

const TRACK_WORDS: Record<string, Track> = {
  poster: 'Poster',
  posters: 'Poster',
  spotlight: 'Spotlight',
  spotlights: 'Spotlight',
  talk: 'Talk',
  talks: 'Talk',
  oral: 'Talk',
  orals: 'Talk',
};

export function parseTrack(value: string): Track | null {
  const v = value.toLowerCase();
  return TRACKS.find((t) => t.toLowerCase() === v) ?? TRACK_WORDS[v] ?? null;
}

interface RawToken {
  negated: boolean;
  field?: string;
  value: string;
  quoted: boolean;
}

/** Split the query into raw tokens; unbalanced quotes run to the end. Linear time. */
function lex(q: string): RawToken[] {
  const out: RawToken[] = [];
  let i = 0;
  const n = q.length;
  while (i < n) {
    while (i < n && /\s/.test(q[i] ?? '')) i++;
    if (i >= n) break;
    let negated = false;
    if ((q[i] === '-' || q[i] === '!') && i + 1 < n && !/\s/.test(q[i + 1] ?? '')) {
      negated = true;
      i++;
    }
    let field: string | undefined;
    const m = /^([A-Za-z]{1,12}):(?=\S)/.exec(q.slice(i, i + 14));
    if (m?.[1]) {
      field = m[1].toLowerCase();
      i += m[0].length;
    }
    if (q[i] === '"' || q[i] === '“') {
      const close = q.slice(i + 1).search(/["”]/);
      const end = close < 0 ? n : i + 1 + close;
      out.push({ negated, field, value: q.slice(i + 1, end), quoted: true });
      i = end + 1;
      continue;
    }
    const s = i;
    while (i < n && !/\s/.test(q[i] ?? '')) i++;
    out.push({ negated, field, value: q.slice(s, i), quoted: false });
  }
  return out;
}

export function parseQuery(input: string): ParsedQuery {
  const notes: string[] = [];
  // Control characters are dropped; very long queries are cut, not refused.
  let raw = input;
  if (raw.length > MAX_QUERY_CHARS) {
    notes.push(`query cut to its first ${MAX_QUERY_CHARS} characters`);
    raw = raw.slice(0, MAX_QUERY_CHARS);
    // Never leave half of a surrogate pair at the cut.
    const last = raw.charCodeAt(raw.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) raw = raw.slice(0, -1);
  }
  raw = stripControls(raw);
  const q: ParsedQuery = {
    raw,
    text: '',
    terms: [],
    phrases: [],
    excludeTerms: [],
    excludePhrases: [],
    filters: [],
    freeWords: [],
    notes,
  };
  const textParts: string[] = [];
  for (const tok of lex(raw)) {
    const filterKind = tok.field ? FILTER_ALIASES[tok.field] : undefined;
    const field = tok.field ? FIELD_ALIASES[tok.field] : undefined;
    if (filterKind) {
      addFilter(q, filterKind, tok.value.trim(), tok.negated, 'explicit');
      continue;
    }
    if (tok.field && !field) {
      notes.push(`unknown field "${tok.field}:"; searched "${tok.value}" as text`);
    }
    const words = tokenize(tok.value, { keepStopWords: tok.quoted });
    if (!tok.quoted && !tok.field && !tok.negated && !tok.value.endsWith('*')) {
      const all = tokenize(tok.value, { keepStopWords: true }).filter((w) => !w.joined);
      // Every word, stop words too, for recognising names ("Will Grathwohl", "Po-Wei Wang").
      if (!(all.length === 1 && TRACK_WORDS[all[0]?.word ?? '']))
        for (const w of all) q.freeWords.push(w.word);
    }
    if (words.length === 0) continue;
    if (tok.quoted && words.length > 1) {
      const phrase: Phrase = { text: tok.value, tokens: words, field };
      (tok.negated ? q.excludePhrases : q.phrases).push(phrase);
      if (!tok.negated) textParts.push(tok.value);
      continue;
    }
    const prefix = !tok.quoted && tok.value.endsWith('*') && words.length === 1;
    let consumed = false;
    for (const w of words) {
      if (
        !tok.quoted &&
        !tok.field &&
        !tok.negated &&
        w.word.length > 0 &&
        TRACK_WORDS[w.word] &&
        words.length === 1
      ) {
        addFilter(q, 'track', w.word, false, 'inferred');
        consumed = true;
        continue;
      }
      const qt: QueryTerm = {
        word: w.word,
        term: w.term,
        root: w.root,
        prefix: prefix && w === words[words.length - 1],
        field,
      };
      if (w.joined) qt.joined = true;
      (tok.negated ? q.excludeTerms : q.terms).push(qt);
    }
    if (!tok.negated && !consumed) textParts.push(tok.value.replace(/\*$/, ''));
  }
  q.text = textParts.join(' ').trim();
  return q;
}

function addFilter(
  q: ParsedQuery,
  kind: FilterKind,
  value: string,
  negated: boolean,
  source: Filter['source'],
) {
  if (!value) {
    q.notes.push(`empty ${kind}: filter ignored`);
    return;
  }
  if (kind === 'track') {
    const t = parseTrack(value);
    if (!t) {
      q.notes.push(`unknown track "${value}" (expected poster, spotlight or talk); filter ignored`);
      return;
    }
    value = t;
  }
  if (kind === 'has') {
    const v = value.toLowerCase();
    if (v !== 'code' && v !== 'links' && v !== 'title') {
      q.notes.push(
        `unknown has:${value} (expected has:code, has:links or has:title); filter ignored`,
      );
      return;
    }
    value = v;
  }
  q.filters.push({ kind, value, negated, source });
}

/** Replace control characters (C0 incl. tab and newline, DEL, C1) with spaces. */
function stripControls(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 32 || (c >= 127 && c <= 159) ? ' ' : ch;
  }
  return out;
}
