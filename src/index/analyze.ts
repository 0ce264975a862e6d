// Text analysis shared by the lexical index, LSA and query parsing: fold case and diacritics,
// drop LaTeX commands, split on non-alphanumerics (hyphenated compounds also yield their joined
// form), remove stop words, Porter-stem. Linear time; no regex backtracking.

import { stemmer } from 'stemmer';

export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further ' +
    'had has have having he her here hers herself him himself his how i if in into is it its itself ' +
    'just me more most my myself no nor not now of off on once only or other our ours ourselves out ' +
    'over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which ' +
    'while who whom why will with would you your yours yourself yourselves also via us using use ' +
    'used may might must shall within without upon whether thus hence however paper papers'
  ).split(' '),
);

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** Lower case, strip diacritics (é → e, ł → l), keep everything else. */
export function fold(s: string): string {
  // ASCII has nothing to decompose or strip: only the case changes (most names and words).
  if (ASCII.test(s)) return s.toLowerCase();
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/ß/g, 'ss')
    .toLowerCase();
}

export interface Token {
  /** The lightly stemmed term (plurals folded): what exact matching uses. */
  term: string;
  /** The Porter stem: what related-form matching and LSA use (generalization ~ generalize). */
  root: string;
  /** The surface word (folded), for highlighting and typo tolerance. */
  word: string;
  /** Position in the token stream; a joined compound shares the position of its first part. */
  pos: number;
  /** Offsets of the surface form in the original text. */
  start: number;
  end: number;
  /** A hyphenated compound glued together (message-passing → messagepassing). */
  joined?: boolean;
}

const stemCache = new Map<string, string>();

/** Porter stem (aggressive: generalization, generative → gener). */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^\d/.test(word) || word.length <= 2 ? word : stemmer(word);
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Minimal English stemming, plurals only (as Lucene's EnglishMinimalStemmer): networks → network. */
export function lightStem(w: string): string {
  const n = w.length;
  if (n < 4 || w.endsWith('ss') || w.endsWith('us') || w.endsWith('is') || /\d/.test(w)) return w;
  if (w.endsWith('ies') && !w.endsWith('eies') && !w.endsWith('aies')) return w.slice(0, -3) + 'y';
  if (w.endsWith('es') && !w.endsWith('aes') && !w.endsWith('ees') && !w.endsWith('oes')) {
    // boxes → box, matches → match, but images → image: drop "es" after s/x/z/ch/sh only.
    return /(?:[sxz]|ch|sh)es$/.test(w) ? w.slice(0, -2) : w.slice(0, -1);
  }
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

const isAlnum = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c > 127;

/**
 * Tokenize text into stemmed terms with positions and offsets. `keepStopWords` keeps them
 * (phrase matching needs the real positions); they are skipped for indexing.
 */
export function tokenize(text: string, opts: { keepStopWords?: boolean } = {}): Token[] {
  const out: Token[] = [];
  // Map a LaTeX command (\ell, \mathcal) and `$` to spaces of the same length: offsets stay valid.
  const clean = text.replace(/\\[a-zA-Z]+|[$]/g, (m) => ' '.repeat(m.length));
  const n = clean.length;
  let pos = 0;
  let i = 0;
  while (i < n) {
    while (i < n && !isAlnumChar(clean, i)) i++;
    if (i >= n) break;
    // A compound: runs of alphanumerics joined by single hyphens (message-passing, CIFAR-10).
    const parts: [number, number][] = [];
    for (;;) {
      const s = i;
      while (i < n && isAlnumChar(clean, i)) i++;
      parts.push([s, i]);
      if (i + 1 < n && (clean[i] === '-' || clean[i] === '‐') && isAlnumChar(clean, i + 1)) i++;
      else break;
    }
    const firstPos = pos;
    for (const [s, e] of parts) pushWord(out, clean.slice(s, e), pos++, s, e, opts.keepStopWords);
    if (parts.length > 1 && parts.length <= 4) {
      const joined = parts.map(([s, e]) => clean.slice(s, e)).join('');
      const first = parts[0];
      const last = parts[parts.length - 1];
      if (first && last) pushWord(out, joined, firstPos, first[0], last[1], true, true);
    }
  }
  return out;
}

function isAlnumChar(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c <= 127) return isAlnum(c);
  return /[\p{L}\p{N}]/u.test(s[i] ?? '');
}

/** Chosen on the quality set: 0.7 gave the best lexical ranking (LSA keeps full Porter stems). */
const ROOT_MIN_RATIO = 0.7;

/** Folded word, light stem and Porter stem, cached: the same words recur across a corpus. */
const wordCache = new Map<string, readonly [string, string, string]>();

function analyzeWord(raw: string): readonly [string, string, string] {
  let hit = wordCache.get(raw);
  if (hit === undefined) {
    let ascii = true;
    for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) > 127) ascii = false;
    // Folding can decompose a rare letter into a space plus a mark: keep words whole.
    const word = ascii ? raw.toLowerCase() : fold(raw).replace(/\s+/g, '');
    const light = lightStem(word);
    const porter = stem(word);
    // Porter over-stems long words (generalization, generative → gener); keep such roots light.
    hit = [word, light, porter.length >= ROOT_MIN_RATIO * word.length ? porter : light] as const;
    if (wordCache.size > 500_000) wordCache.clear();
    wordCache.set(raw, hit);
  }
  return hit;
}

function pushWord(
  out: Token[],
  raw: string,
  pos: number,
  start: number,
  end: number,
  keepStop?: boolean,
  joined?: boolean,
) {
  const [word, term, root] = analyzeWord(raw);
  if (!word || word.length > 64) return;
  if (!keepStop && STOP_WORDS.has(word)) return;
  const t: Token = { term, root, word, pos, start, end };
  if (joined) t.joined = true;
  out.push(t);
}

/** The stemmed term of one word (no splitting, stop words kept). */
export function analyzeTerm(word: string): string {
  return analyzeWord(word)[1];
}

/** Full Porter stems of a text, for LSA (related forms pooled, even generalization ~ generative). */
export function roots(text: string): string[] {
  return tokenize(text).map((t) => stem(t.word));
}

/** The key under which the lexical index files a token's Porter root. */
export const rootKey = (root: string) => `~${root}`;
