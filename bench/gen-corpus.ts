// `npm run gen:corpus -- --papers N --seed S [--out FILE]`: a synthetic arXiv-style JSON Lines
// corpus of N papers for scale benchmarks, learnt from the ICLR 2020 listing (parsed with the
// project's own parser), written as a stream.
//
// What is realistic about it, and how:
// - Abstracts and titles are word-level bigram (Markov) chains over the real corpus's tokens
//   (punctuation kept on the word, as in the text), so word frequencies, bigrams and sentence
//   shapes follow the real ones. Each synthetic paper leans on one real "anchor" paper (most
//   steps follow the anchor's own bigrams when it has one), so papers have topics and LSA
//   vectors cluster the way real ones do instead of being uniform noise.
// - Vocabulary keeps growing with N (Heaps' law) as on arXiv: a small share of content words is
//   replaced by pseudo-words (new method and dataset names) drawn from a discrete power law, so
//   the lexicon and the posting lists of a 1M corpus are not just the 687 papers' 20k words.
// - Lengths (title and abstract, in words) are drawn from the real distributions.
// - Authors per paper follow the real distribution with a Pareto tail (large collaborations);
//   papers per author follow a Zipf-Mandelbrot law over a pool that grows with N (Lotka's law:
//   most authors have one paper, a few have hundreds). Names recombine real first and last names.
// - The arXiv snapshot's fields and layout (ids YYMM.NNNNN, categories, versions, abstracts
//   wrapped at ~76 columns with a two-space indent), so the arxiv-jsonl importer reads it as is.
//
// Deterministic per (N, seed). About 1M papers a minute on one core; memory stays flat.

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseListing } from '../src/ingest/listing.js';
import { mulberry32 } from '../src/core/random.js';

const LISTING = new URL('../../data/iclr2020/listing.md', import.meta.url);
const LISTING_SRC = new URL('../data/iclr2020/listing.md', import.meta.url);

function readListing(): string {
  try {
    return readFileSync(LISTING, 'utf8');
  } catch {
    return readFileSync(LISTING_SRC, 'utf8');
  }
}

/** A 32-bit integer hash (for per-rank properties that must not depend on draw order). */
function hash32(x: number, salt: number): number {
  let h = Math.imul(x ^ salt, 0x9e3779b1) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A bigram chain in CSR form: followers of token t are next[offsets[t] .. offsets[t+1]). */
interface Chain {
  offsets: Int32Array;
  next: Int32Array;
}

function buildChain(seqs: readonly Int32Array[], vocabSize: number): Chain {
  const counts = new Int32Array(vocabSize + 1);
  for (const s of seqs)
    for (let i = 0; i + 1 < s.length; i++)
      counts[(s[i] ?? 0) + 1] = (counts[(s[i] ?? 0) + 1] ?? 0) + 1;
  for (let t = 0; t < vocabSize; t++) counts[t + 1] = (counts[t + 1] ?? 0) + (counts[t] ?? 0);
  const next = new Int32Array(counts[vocabSize] ?? 0);
  const fill = counts.slice(0, vocabSize);
  for (const s of seqs)
    for (let i = 0; i + 1 < s.length; i++) {
      const t = s[i] ?? 0;
      const at = fill[t] ?? 0;
      next[at] = s[i + 1] ?? 0;
      fill[t] = at + 1;
    }
  return { offsets: counts, next };
}

/** What the generator learnt from the real corpus. */
export interface CorpusModel {
  vocab: string[];
  abstractChain: Chain;
  titleChain: Chain;
  /** Per real paper: token -> its followers in that paper's abstract (the topic anchor). */
  local: Map<number, Int32Array>[];
  abstracts: Int32Array[];
  titles: Int32Array[];
  /** Tokens that start a sentence (follow a token ending with . ! ?). */
  sentenceStarts: Int32Array;
  abstractLengths: Int32Array;
  titleLengths: Int32Array;
  authorsPerPaper: Int32Array;
  firstNames: string[];
  lastNames: string[];
  papers: number;
}

export function learnModel(text: string = readListing()): CorpusModel {
  const records = parseListing(text, 'data/iclr2020/listing.md').records;
  const vocab: string[] = [];
  const ids = new Map<string, number>();
  const idOf = (w: string) => {
    let i = ids.get(w);
    if (i === undefined) {
      i = vocab.length;
      vocab.push(w);
      ids.set(w, i);
    }
    return i;
  };
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  const abstracts: Int32Array[] = [];
  const titles: Int32Array[] = [];
  const starts: number[] = [];
  const authorsPerPaper: number[] = [];
  const first = new Set<string>();
  const last = new Set<string>();
  for (const r of records) {
    const a = Int32Array.from(words(r.abstract.replace(/\n+/g, ' ')).map(idOf));
    if (a.length < 20) continue;
    abstracts.push(a);
    for (let i = 0; i < a.length; i++) {
      if (i === 0 || /[.!?]$/.test(vocab[a[i - 1] ?? 0] ?? '')) starts.push(a[i] ?? 0);
    }
    if (r.title) titles.push(Int32Array.from(words(r.title).map(idOf)));
    authorsPerPaper.push(Math.max(1, r.authors.length));
    for (const name of r.authors) {
      const parts = name.split(/\s+/).filter(Boolean);
      if (parts.length < 2) continue;
      first.add(parts[0] ?? '');
      last.add(parts[parts.length - 1] ?? '');
    }
  }
  const local = abstracts.map((a) => {
    const m = new Map<number, number[]>();
    for (let i = 0; i + 1 < a.length; i++) {
      const t = a[i] ?? 0;
      let l = m.get(t);
      if (!l) m.set(t, (l = []));
      l.push(a[i + 1] ?? 0);
    }
    return new Map([...m].map(([k, v]) => [k, Int32Array.from(v)]));
  });
  return {
    vocab,
    abstractChain: buildChain(abstracts, vocab.length),
    titleChain: buildChain(titles, vocab.length),
    local,
    abstracts,
    titles,
    sentenceStarts: Int32Array.from(starts),
    abstractLengths: Int32Array.from(abstracts.map((a) => a.length)),
    titleLengths: Int32Array.from(titles.map((t) => t.length)),
    authorsPerPaper: Int32Array.from(authorsPerPaper),
    firstNames: [...first].sort(),
    lastNames: [...last].sort(),
    papers: abstracts.length,
  };
}

export interface GenOptions {
  papers: number;
  seed: number;
  /** Share of content words replaced by a pseudo-word (new names): vocabulary growth. */
  novelRate?: number;
  /** Probability that a step follows the anchor paper's own bigram (topic coherence). */
  anchorRate?: number;
}

const SYLLABLES = [
  'ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'zi', 'be', 'do', 'fa', 'gu', 'ha', 'ji', 'ko',
  'la', 'mo', 'nu', 'pe', 'qui', 'ra', 'se', 'ti', 'xu', 'ya', 'zo', 'an', 'el', 'or', 'us',
]; // prettier-ignore
const SUFFIXES = ['', '', '', 'net', 'former', 'GAN', 'RL', 'Bench', '-2', 'ization'];
const CATEGORIES = [
  ['cs.LG', 30], ['stat.ML', 14], ['cs.CV', 14], ['cs.CL', 10], ['cs.AI', 9], ['cs.NE', 4],
  ['cs.RO', 3], ['math.OC', 3], ['cs.IR', 2], ['cs.CR', 2], ['eess.SP', 2], ['q-bio.NC', 1],
  ['physics.comp-ph', 1], ['cs.DS', 1], ['cs.SD', 1], ['cs.MA', 1], ['cs.HC', 1], ['econ.EM', 1],
] as const; // prettier-ignore
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The pseudo-word of a rank: deterministic syllables, sometimes a capitalised method name. */
function pseudoWord(rank: number): string {
  let r = rank;
  let w = '';
  do {
    w += SYLLABLES[r % SYLLABLES.length] ?? 'a';
    r = Math.floor(r / SYLLABLES.length);
  } while (r > 0 || w.length < 5);
  const h = hash32(rank, 0x5eed);
  const suffix = SUFFIXES[h % SUFFIXES.length] ?? '';
  if (h % 7 < 3) return w.charAt(0).toUpperCase() + w.slice(1) + suffix;
  return w + (suffix === '-2' || suffix === 'ization' ? suffix : '');
}

/**
 * Generate the corpus, one JSON line at a time (each passed to `emit` with its newline).
 * Returns the number of lines emitted.
 */
export function generate(
  model: CorpusModel,
  opts: GenOptions,
  emit: (line: string) => void,
): number {
  const n = opts.papers;
  const rand = mulberry32(opts.seed);
  const novelRate = opts.novelRate ?? 0.012;
  const anchorRate = opts.anchorRate ?? 0.75;
  const { vocab, abstractChain: ac, titleChain: tc } = model;
  const pickInt = (k: number) => Math.floor(rand() * k);
  const pickFrom = (a: Int32Array) => a[pickInt(a.length)] ?? 0;
  // Authors: a pool growing with N, Zipf-Mandelbrot ranks (density ∝ 1/(r + r0)).
  const pool = Math.max(50, 2 * n);
  const r0 = Math.max(5, 100 * Math.sqrt(n / 10_000));
  const logSpan = Math.log((pool + r0) / r0);
  const authorRank = () => Math.min(pool - 1, Math.floor(r0 * Math.exp(rand() * logSpan) - r0));
  const nameOf = (rank: number) => {
    const f = model.firstNames[hash32(rank, 1) % model.firstNames.length] ?? 'A.';
    const l = model.lastNames[hash32(rank, 2) % model.lastNames.length] ?? 'Author';
    const h = hash32(rank, 3);
    return h % 4 === 0 ? `${f} ${String.fromCharCode(65 + (h % 26))}. ${l}` : `${f} ${l}`;
  };
  const authorCount = () => {
    if (rand() < 0.02) return Math.min(800, Math.floor(12 * Math.pow(1 - rand(), -1 / 1.4)));
    return Math.max(1, pickFrom(model.authorsPerPaper));
  };
  const follow = (c: Chain, t: number): number => {
    const lo = c.offsets[t] ?? 0;
    const hi = c.offsets[t + 1] ?? 0;
    if (hi <= lo) return -1;
    return c.next[lo + pickInt(hi - lo)] ?? -1;
  };
  const novel = () => pseudoWord(Math.floor(Math.pow(1 - rand(), -1 / 0.25)) % 50_000_000);
  const word = (t: number, rate = novelRate) => {
    const w = vocab[t] ?? '';
    if (w.length > 4 && rand() < rate) {
      const tail = /[^\p{L}\p{N}]+$/u.exec(w)?.[0] ?? '';
      return novel() + tail;
    }
    return w;
  };

  const abstractText = (anchor: number): string => {
    const local = model.local[anchor];
    const target = Math.max(
      25,
      Math.round(pickFrom(model.abstractLengths) * (0.85 + 0.3 * rand())),
    );
    const own = model.abstracts[anchor];
    let t = rand() < 0.5 && own ? (own[0] ?? 0) : pickFrom(model.sentenceStarts);
    const out: string[] = [];
    for (let i = 0; ; i++) {
      out.push(word(t));
      const ended = /[.!?]$/.test(vocab[t] ?? '');
      if (i >= target && ended) break;
      if (i >= target + 60) {
        out[out.length - 1] = (out[out.length - 1] ?? '').replace(/[^\p{L}\p{N})]*$/u, '') + '.';
        break;
      }
      const loc = local?.get(t);
      let nx = loc && rand() < anchorRate ? (loc[pickInt(loc.length)] ?? -1) : follow(ac, t);
      if (nx < 0) nx = pickFrom(model.sentenceStarts);
      t = nx;
    }
    return out.join(' ');
  };

  const titleText = (anchor: number): string => {
    const target = Math.max(5, pickFrom(model.titleLengths));
    const own = model.titles[anchor % model.titles.length];
    const src = own && rand() < 0.6 ? own : model.titles[pickInt(model.titles.length)];
    let t = src?.[0] ?? 0;
    const out: string[] = [];
    for (let i = 0; i < target + 8; i++) {
      out.push(word(t, 3 * novelRate));
      if (i + 1 >= target && !/[:,-]$/.test(vocab[t] ?? '')) break;
      // Titles draw from the abstracts' bigrams too: 687 titles alone repeat at scale.
      let nx = rand() < 0.55 ? follow(tc, t) : follow(ac, t);
      if (nx < 0) nx = follow(tc, t);
      if (nx < 0) nx = follow(ac, t);
      if (nx < 0) break;
      t = nx;
    }
    const s = out.join(' ').replace(/[.,;:]+$/, '');
    return s.charAt(0).toUpperCase() + s.slice(1);
  };

  const wrap = (s: string) => {
    const lines: string[] = [];
    let cur = '';
    for (const w of s.split(' ')) {
      if (cur && cur.length + 1 + w.length > 76) {
        lines.push(cur);
        cur = w;
      } else cur = cur ? `${cur} ${w}` : w;
    }
    if (cur) lines.push(cur);
    return `  ${lines.join('\n  ')}\n`;
  };

  const catTotal = CATEGORIES.reduce((a, [, w]) => a + w, 0);
  const category = () => {
    let x = rand() * catTotal;
    for (const [c, w] of CATEGORIES) if ((x -= w) < 0) return c;
    return 'cs.LG';
  };

  for (let i = 0; i < n; i++) {
    const anchor = pickInt(model.papers);
    const month = Math.floor(i / 20_000);
    const yy = 20 + Math.floor(month / 12);
    const mm = (month % 12) + 1;
    const id = `${yy}${String(mm).padStart(2, '0')}.${String(i % 20_000).padStart(5, '0')}`;
    const k = authorCount();
    const names: string[] = [];
    const seen = new Set<number>();
    for (let j = 0; j < k; j++) {
      const r = authorRank();
      if (seen.has(r)) continue;
      seen.add(r);
      names.push(nameOf(r));
    }
    const authors =
      names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}` : names[0];
    const cats = new Set([category()]);
    while (rand() < 0.45 && cats.size < 4) cats.add(category());
    const day = 1 + pickInt(28);
    const created = `${DAYS[(day + mm) % 7] ?? 'Mon'}, ${day} ${MONTHS[mm - 1] ?? 'Jan'} 20${yy} ${String(pickInt(24)).padStart(2, '0')}:00:00 GMT`;
    const rec = {
      id,
      submitter: names[0] ?? null,
      authors,
      title: titleText(anchor),
      comments: rand() < 0.3 ? `${8 + pickInt(30)} pages, ${1 + pickInt(12)} figures` : null,
      'journal-ref': null,
      doi: rand() < 0.1 ? `10.${1000 + pickInt(9000)}/${id}` : null,
      'report-no': null,
      categories: [...cats].join(' '),
      license: null,
      abstract: wrap(abstractText(anchor)),
      versions: [{ version: 'v1', created }],
      update_date: `20${yy}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    };
    emit(JSON.stringify(rec) + '\n');
  }
  return n;
}

/** Write the corpus to `path` in ~1 MB chunks; returns bytes written. */
export function writeCorpus(
  path: string,
  opts: GenOptions,
  onProgress?: (done: number) => void,
): number {
  const model = learnModel();
  const fd = openSync(path, 'w');
  let buf: string[] = [];
  let size = 0;
  let bytes = 0;
  let done = 0;
  const flush = () => {
    if (!buf.length) return;
    bytes += writeSync(fd, buf.join(''));
    buf = [];
    size = 0;
  };
  try {
    generate(model, opts, (line) => {
      buf.push(line);
      size += line.length;
      if (size > 1 << 20) flush();
      if (++done % 50_000 === 0) onProgress?.(done);
    });
    flush();
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function parseArgs(argv: string[]): { papers: number; seed: number; out: string } {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const papers = Number(get('--papers') ?? '10000');
  const seed = Number(get('--seed') ?? '1');
  if (!Number.isInteger(papers) || papers < 1)
    throw new Error('--papers must be a positive integer');
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  return { papers, seed, out: get('--out') ?? `synthetic-${papers}-s${seed}.jsonl` };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const o = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const bytes = writeCorpus(o.out, o, (d) =>
    process.stderr.write(`\rgen:corpus: ${d}/${o.papers} papers`),
  );
  const s = (performance.now() - t0) / 1000;
  process.stderr.write(
    `\rgen:corpus: wrote ${o.papers} papers (${(bytes / 1e6).toFixed(1)} MB) to ${o.out} in ${s.toFixed(1)} s (${Math.round(o.papers / s)} papers/s)\n`,
  );
}
