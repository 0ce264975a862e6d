// SearchIndex behaviour: on a tiny hand-made corpus where every result can be reasoned out
// exactly, and on the real ICLR 2020 listing (known items, filters, typos, modes, paging).

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PaperRecord, Track } from '../core/types.js';
import { parseListing } from '../ingest/listing.js';
import { tokenize } from './analyze.js';
import { HnswIndex } from './ann.js';
import { parseQuery } from './query.js';
import {
  SEARCH_MODES,
  SearchIndex,
  type Highlight,
  type SearchDoc,
  type SearchOptions,
  type SearchResult,
} from './search.js';

const ALL: SearchOptions = { limit: 1000 };
const ids = (r: SearchResult) => r.hits.map((h) => h.id);

/** Highlights are sorted, non-empty, non-overlapping ranges inside the text. */
function checkRanges(text: string, ranges: readonly Highlight[]): void {
  let at = 0;
  for (const h of ranges) {
    expect(Number.isInteger(h.start) && Number.isInteger(h.end)).toBe(true);
    expect(h.start).toBeGreaterThanOrEqual(at);
    expect(h.end).toBeGreaterThan(h.start);
    expect(h.end).toBeLessThanOrEqual(text.length);
    at = h.end;
  }
}

/** The terms a highlight may legitimately mark for this result: the query's, and their expansions. */
function relatedTerms(query: string, r: SearchResult): Set<string> {
  const q = parseQuery(query);
  return new Set([
    ...q.terms.map((t) => t.term),
    ...q.phrases.flatMap((p) => p.tokens.map((t) => t.term)),
    ...Object.values(r.expansions).flat(),
  ]);
}

function checkHighlights(query: string, r: SearchResult): void {
  const related = relatedTerms(query, r);
  for (const h of r.hits) {
    checkRanges(h.snippet, h.snippetHighlights);
    checkRanges(h.title ?? '', h.titleHighlights);
    if (h.title === null) expect(h.titleHighlights).toEqual([]);
    const marked = [
      ...h.snippetHighlights.map((x) => h.snippet.slice(x.start, x.end)),
      ...h.titleHighlights.map((x) => (h.title ?? '').slice(x.start, x.end)),
    ];
    for (const m of marked) {
      const terms = tokenize(m, { keepStopWords: true }).map((t) => t.term);
      expect(
        terms.some((t) => related.has(t)),
        `"${m}" highlighted for "${query}"`,
      ).toBe(true);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// A tiny corpus: every answer below follows from these five documents.

const doc = (
  id: string,
  title: string | null,
  authors: string[],
  track: Track,
  abstract: string,
  links: string[] = [],
  corpus = 'tiny',
): SearchDoc => ({
  id,
  title,
  authors,
  track,
  abstract,
  links,
  source: { path: 'tiny.md', startLine: 1, endLine: 1 },
  warnings: [],
  corpus,
});

const TINY: SearchDoc[] = [
  doc(
    'd0',
    'Graph Networks for Molecules',
    ['Ada Lovelace', 'Alan Turing'],
    'Poster',
    'We study message passing on molecular graphs. Code: https://github.com/ada/graphs',
    ['https://github.com/ada/graphs'],
  ),
  doc(
    'd1',
    'Efficient Transformers',
    ['Grace Hopper'],
    'Spotlight',
    'Transformers use attention. We evaluate on CIFAR10 and ImageNet.',
  ),
  doc(
    'd2',
    'A Message-Passing Scheme',
    ['Alan Turing'],
    'Talk',
    'A message-passing scheme for graph data, tested on CIFAR-10. Mode connectivity is discussed.',
  ),
  doc(
    'd3',
    null,
    ['Edsger Dijkstra'],
    'Poster',
    'Shortest paths in graphs, and mode and connectivity separately.',
    ['https://example.org/paper'],
  ),
  doc(
    'd4',
    'Transforming Lattices',
    ['Emmy Noether'],
    'Poster',
    'Lattices transformed by symmetric groups.',
    [],
    'other',
  ),
];

describe('SearchIndex on a tiny corpus', () => {
  const index = SearchIndex.build(TINY);
  const lexical = (q: string, o: SearchOptions = {}) =>
    index.search(q, { mode: 'lexical', ...ALL, ...o });

  it('ranks a title match above abstract matches and finds every document with the word', async () => {
    const r = await lexical('graph');
    expect(r.total).toBe(3);
    expect(ids(r)[0]).toBe('d0');
    expect(new Set(ids(r))).toEqual(new Set(['d0', 'd2', 'd3']));
    expect(r.hits[0]?.score).toBe(1);
    for (const h of r.hits) expect(h.explanation.matchedTerms).toEqual(['graph']);
    expect(r.hits.map((h) => h.score)).toEqual(
      [...r.hits.map((h) => h.score)].sort((a, b) => b - a),
    );
  });

  it('a phrase requires the words next to each other', async () => {
    const r = await lexical('"mode connectivity"');
    expect(ids(r)).toEqual(['d2']);
  });

  it('a negated word or phrase removes the documents holding it', async () => {
    expect(new Set(ids(await lexical('graph -molecules')))).toEqual(new Set(['d2', 'd3']));
    expect(new Set(ids(await lexical('graph -"mode connectivity"')))).toEqual(
      new Set(['d0', 'd3']),
    );
    // Plural and singular are one term: -molecule removes "Molecules" too.
    expect(new Set(ids(await lexical('graph -molecule')))).toEqual(new Set(['d2', 'd3']));
  });

  it('a negation alone keeps everything else, in listing order', async () => {
    const r = await lexical('-graph');
    expect(ids(r)).toEqual(['d1', 'd4']);
  });

  it('message-passing matches "message passing" and "message-passing"', async () => {
    const r = await lexical('message-passing');
    expect(new Set(ids(r))).toEqual(new Set(['d0', 'd2']));
    const spaced = await lexical('message passing');
    expect(new Set(ids(spaced))).toEqual(new Set(['d0', 'd2']));
  });

  it('prefix expansion lists the corpus terms it used', async () => {
    const r = await lexical('transform*');
    const ex = r.expansions['transform*'] ?? [];
    expect(new Set(ex)).toEqual(new Set(['transformer', 'transforming', 'transformed']));
    expect(new Set(ids(r))).toEqual(new Set(['d1', 'd4']));
  });

  it('filters: track, has:code, has:links, has:title, corpus, dataset', async () => {
    expect(ids(await lexical('track:talk'))).toEqual(['d2']);
    expect(ids(await lexical('-track:poster'))).toEqual(['d1', 'd2']);
    expect(ids(await lexical('has:code'))).toEqual(['d0']);
    expect(ids(await lexical('has:links'))).toEqual(['d0', 'd3']);
    expect(ids(await lexical('-has:title'))).toEqual(['d3']);
    expect(ids(await lexical('corpus:other'))).toEqual(['d4']);
    expect(ids(await lexical('corpus:nope'))).toEqual([]);
    // "CIFAR10" and "CIFAR-10" are one dataset.
    expect(ids(await lexical('dataset:cifar10'))).toEqual(['d1', 'd2']);
    expect(ids(await lexical('dataset:"cifar 10"'))).toEqual(['d1', 'd2']);
    expect(ids(await lexical('dataset:imagenet'))).toEqual(['d1']);
  });

  it('a topic: filter is noted and ignored', async () => {
    const r = await lexical('topic:graphs');
    expect(r.total).toBe(5);
    expect(r.notes).toContain(
      'topics are not computed for this database yet; topic: filter ignored',
    );
  });

  it('a full author name in free text becomes an author filter', async () => {
    const r = await lexical('Alan Turing');
    expect(r.filters).toEqual([
      { kind: 'author', value: 'Alan Turing', negated: false, source: 'inferred' },
    ]);
    expect(ids(r)).toEqual(['d0', 'd2']);
    expect(r.hits[0]?.explanation.filters).toEqual(['author:Alan Turing (from the query text)']);
    // …and the remaining words still rank.
    const g = await lexical('Alan Turing graph');
    expect(ids(g)).toEqual(['d0', 'd2']);
    expect(g.hits[0]?.explanation.matchedTerms).toEqual(['graph']);
  });

  it('explicit author filters: last name, exclusion, near spelling with a note', async () => {
    expect(ids(await lexical('author:turing'))).toEqual(['d0', 'd2']);
    expect(ids(await lexical('author:turing -author:lovelace'))).toEqual(['d2']);
    const typo = await lexical('author:"alan turnig"');
    expect(ids(typo)).toEqual(['d0', 'd2']);
    expect(typo.notes).toContain('no author named exactly "alan turnig"; matched close spellings');
    expect(ids(await lexical('author:"nobody at all"'))).toEqual([]);
  });

  it('the empty query lists every document in order with score 1', async () => {
    for (const mode of SEARCH_MODES) {
      for (const q of ['', '   ', 'the of and']) {
        const r = await index.search(q, { mode });
        expect(ids(r)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
        expect(r.hits.every((h) => h.score === 1)).toBe(true);
      }
    }
  });

  it('paging: offset and limit cut the same ranking', async () => {
    const all = await lexical('graph');
    for (let offset = 0; offset <= 4; offset++) {
      for (let limit = 0; limit <= 4; limit++) {
        const page = await lexical('graph', { offset, limit });
        expect(page.total).toBe(3);
        expect(page.offset).toBe(offset);
        expect(ids(page)).toEqual(ids(all).slice(offset, offset + limit));
      }
    }
    // Nonsense paging is clamped, never thrown.
    const neg = await lexical('graph', { offset: -5, limit: -1 });
    expect(neg.offset).toBe(0);
    expect(neg.hits).toEqual([]);
  });

  it('an untitled paper is found through its abstract and has no title highlights', async () => {
    const r = await lexical('shortest paths');
    expect(ids(r)).toEqual(['d3']);
    expect(r.hits[0]?.title).toBeNull();
    expect(r.hits[0]?.titleHighlights).toEqual([]);
    expect(r.hits[0]?.snippet).toBe(
      'Shortest paths in graphs, and mode and connectivity separately.',
    );
    expect(r.hits[0]?.snippetHighlights).toEqual([
      { start: 0, end: 8 },
      { start: 9, end: 14 },
    ]);
  });

  it('highlights a hyphenated compound once, never as overlapping ranges', async () => {
    const r = await lexical('message-passing');
    const d2 = r.hits.find((h) => h.id === 'd2');
    expect(d2?.title).toBe('A Message-Passing Scheme');
    expect(d2?.titleHighlights).toEqual([
      { start: 2, end: 9 },
      { start: 10, end: 17 },
    ]);
    checkHighlights('message-passing', r);
  });

  it('details: false leaves snippets and matched terms out', async () => {
    const r = await lexical('graph', { details: false });
    for (const h of r.hits) {
      expect(h.snippet).toBe('');
      expect(h.snippetHighlights).toEqual([]);
      expect(h.titleHighlights).toEqual([]);
      expect(h.explanation.matchedTerms).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The real corpus.

const records: PaperRecord[] = parseListing(
  readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'data/iclr2020/listing.md',
).records;
const byId = new Map(records.map((r) => [r.id, r]));
const rec = (id: string): PaperRecord => {
  const r = byId.get(id);
  if (!r) throw new Error(`no record ${id}`);
  return r;
};
const fullText = (r: PaperRecord) => `${r.title ?? ''}\n${r.abstract}`;
const NUCLEUS = 'The Curious Case of Neural Text Degeneration';

describe('SearchIndex on the ICLR 2020 corpus', () => {
  let index: SearchIndex;
  beforeAll(() => {
    index = SearchIndex.build(records.map((r) => ({ ...r, corpus: 'iclr2020' })));
  });

  it('known item: "nucleus sampling" finds its paper first in every mode', async () => {
    for (const mode of SEARCH_MODES) {
      const r = await index.search('nucleus sampling', { mode, limit: 5 });
      expect(r.mode).toBe(mode);
      expect(r.hits[0]?.title, mode).toBe(NUCLEUS);
    }
  });

  it('"Yoshua Bengio" returns his papers only, not Samy Bengio\'s; and the reverse', async () => {
    for (const [name, other] of [
      ['Yoshua Bengio', 'Samy Bengio'],
      ['Samy Bengio', 'Yoshua Bengio'],
    ] as const) {
      const expected = records.filter((r) => r.authors.includes(name)).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      for (const mode of SEARCH_MODES) {
        const r = await index.search(name, { mode, ...ALL });
        expect(r.filters).toContainEqual({
          kind: 'author',
          value: name,
          negated: false,
          source: 'inferred',
        });
        expect(new Set(ids(r))).toEqual(new Set(expected));
        for (const h of r.hits) {
          expect(h.authors).toContain(name);
          expect(h.authors).not.toContain(other);
        }
      }
    }
  });

  it('a misspelt full name ("pieter abeel") is read as Pieter Abbeel', async () => {
    const r = await index.search('pieter abeel', ALL);
    expect(r.filters).toContainEqual({
      kind: 'author',
      value: 'Pieter Abbeel',
      negated: false,
      source: 'inferred',
    });
    const expected = records.filter((p) => p.authors.includes('Pieter Abbeel')).map((p) => p.id);
    expect(new Set(ids(r))).toEqual(new Set(expected));
  });

  it('author:levine -author:"nir levine" keeps Sergey Levine\'s papers only', async () => {
    const r = await index.search('author:levine -author:"nir levine"', ALL);
    const expected = records
      .filter((p) => p.authors.some((a) => /levine/i.test(a)) && !p.authors.includes('Nir Levine'))
      .map((p) => p.id);
    expect(records.some((p) => p.authors.includes('Nir Levine'))).toBe(true);
    expect(new Set(ids(r))).toEqual(new Set(expected));
    for (const h of r.hits) {
      expect(h.authors.some((a) => /levine/i.test(a))).toBe(true);
      expect(h.authors).not.toContain('Nir Levine');
    }
  });

  it('explicit track filters: spotlight 108, oral = talk 48, not poster 156', async () => {
    const count = (t: Track) => records.filter((r) => r.track === t).length;
    for (const [q, track, n] of [
      ['track:spotlight', 'Spotlight', 108],
      ['track:oral', 'Talk', 48],
      ['track:talk', 'Talk', 48],
    ] as const) {
      const r = await index.search(q, ALL);
      expect(r.total, q).toBe(n);
      expect(count(track)).toBe(n);
      expect(r.hits.every((h) => h.track === track)).toBe(true);
    }
    const notPoster = await index.search('-track:poster', ALL);
    expect(notPoster.total).toBe(156);
    expect(notPoster.hits.some((h) => h.track === 'Poster')).toBe(false);
  });

  it('filter-only queries list papers in listing order, 48 talks', async () => {
    const r = await index.search('track:talk', { limit: 100 });
    expect(r.total).toBe(48);
    expect(ids(r)).toEqual(records.filter((p) => p.track === 'Talk').map((p) => p.id));
    expect(r.hits.every((h) => h.score === 1)).toBe(true);
  });

  it('infers a track filter from free text ("spotlight papers on transformers")', async () => {
    for (const mode of SEARCH_MODES) {
      const r = await index.search('spotlight papers on transformers', { mode, ...ALL });
      expect(r.filters).toEqual([
        { kind: 'track', value: 'Spotlight', negated: false, source: 'inferred' },
      ]);
      expect(r.total).toBeGreaterThan(0);
      expect(r.hits.every((h) => h.track === 'Spotlight')).toBe(true);
      if (mode === 'lexical')
        for (const h of r.hits) expect(fullText(rec(h.id))).toMatch(/transform/i);
    }
    const r = await index.search('spotlight papers on transformers', { mode: 'lexical', limit: 3 });
    expect(r.hits[0]?.explanation.filters).toEqual(['track:Spotlight (from the query text)']);
  });

  it('an inferred filter that would leave nothing is not applied, with a note', async () => {
    const r = await index.search('track:talk spotlight transformers', ALL);
    expect(r.notes).toContain(
      'no paper matches the track "Spotlight" read from the query; not applied',
    );
    expect(r.total).toBeGreaterThan(0);
    expect(r.hits.every((h) => h.track === 'Talk')).toBe(true);
  });

  it('has:code returns papers with a code link, and every paper with a GitHub or GitLab link', async () => {
    const r = await index.search('has:code', ALL);
    const codeHost = /github\.com|gitlab\.com|bitbucket\.org|huggingface\.co|colab\.research/i;
    for (const h of r.hits) expect(rec(h.id).links.some((l) => codeHost.test(l))).toBe(true);
    const gh = records.filter((p) => p.links.some((l) => /github\.com|gitlab\.com/i.test(l)));
    expect(gh.length).toBeGreaterThan(20);
    for (const p of gh) expect(ids(r)).toContain(p.id);
    // Combined with words: only code papers, ranked.
    const g = await index.search('graph has:code', { mode: 'lexical', ...ALL });
    expect(g.total).toBeGreaterThan(0);
    for (const h of g.hits) expect(ids(r)).toContain(h.id);
  });

  it('dataset:cifar-10 returns only papers that mention CIFAR-10 / CIFAR10', async () => {
    const cifar10 = /cifar[- ]?10(?!\d)/i;
    const r = await index.search('dataset:cifar-10', ALL);
    expect(r.total).toBeGreaterThan(20);
    for (const h of r.hits) expect(fullText(rec(h.id))).toMatch(cifar10);
    // Without the hyphen, both spellings are found, and nothing else.
    const glued = await index.search('dataset:cifar10', ALL);
    const expected = records.filter((p) => cifar10.test(fullText(p))).map((p) => p.id);
    expect(new Set(ids(glued))).toEqual(new Set(expected));
  });

  it('a phrase is required: "mode connectivity"', async () => {
    for (const mode of SEARCH_MODES) {
      const r = await index.search('"mode connectivity"', { mode, ...ALL });
      const expected = records.filter((p) => /mode[\s-]+connectivity/i.test(fullText(p)));
      expect(expected.length).toBeGreaterThan(0);
      expect(new Set(ids(r))).toEqual(new Set(expected.map((p) => p.id)));
    }
    // Both words, but never adjacent, is not enough.
    const words = await index.search('mode connectivity', { mode: 'lexical', ...ALL });
    const phrase = await index.search('"mode connectivity"', { mode: 'lexical', ...ALL });
    expect(words.total).toBeGreaterThan(phrase.total);
  });

  it('-word excludes every paper holding the word, in any form of its plural', async () => {
    const base = await index.search('graph neural networks', { mode: 'lexical', ...ALL });
    const r = await index.search('graph neural networks -convolutional', {
      mode: 'lexical',
      ...ALL,
    });
    expect(r.total).toBeGreaterThan(0);
    expect(r.total).toBeLessThan(base.total);
    for (const h of r.hits) {
      const p = rec(h.id);
      expect(`${fullText(p)}\n${p.authors.join(', ')}`).not.toMatch(/\bconvolutionals?\b/i);
    }
    const neg = await index.search('"graph neural networks" -"graph convolutional"', ALL);
    for (const h of neg.hits) {
      expect(fullText(rec(h.id))).toMatch(/graph neural networks?/i);
      expect(fullText(rec(h.id))).not.toMatch(/graph convolutional/i);
    }
  });

  it('prefix transform* expands to corpus terms and finds only papers with them', async () => {
    const r = await index.search('transform*', { mode: 'lexical', ...ALL });
    const ex = r.expansions['transform*'] ?? [];
    expect(ex).toEqual(expect.arrayContaining(['transformer', 'transformation', 'transform']));
    expect(ex.length).toBeLessThanOrEqual(30);
    for (const e of ex) expect(e.startsWith('transform')).toBe(true);
    expect(r.total).toBeGreaterThan(30);
    // "trans-formation" broken at a line end still counts.
    for (const h of r.hits) expect(fullText(rec(h.id))).toMatch(/trans-?form/i);
    checkHighlights('transform*', { ...r, hits: r.hits.slice(0, 20) });
  });

  it('typos are corrected with a note: "graph nueral netwrks"', async () => {
    const r = await index.search('graph nueral netwrks', { mode: 'lexical', limit: 10 });
    expect(r.notes).toContain('"nueral" is not in the corpus; also searched neural');
    expect(r.notes.some((n) => n.startsWith('"netwrks" is not in the corpus'))).toBe(true);
    expect(r.expansions['nueral']).toContain('neural');
    expect(r.expansions['netwrks']).toContain('network');
    expect(r.hits).toHaveLength(10);
    for (const h of r.hits) expect(h.title).toMatch(/graph/i);
    const gnn = r.hits.filter((h) => /graph neural network/i.test(h.title ?? ''));
    expect(gnn.length).toBeGreaterThanOrEqual(5);
    checkHighlights('graph nueral netwrks', r);
  });

  it('an English word absent from the corpus is not "corrected" ("prose")', async () => {
    expect(records.some((p) => /\bprose\b/i.test(fullText(p)))).toBe(false);
    for (const mode of SEARCH_MODES) {
      const r = await index.search('prose', { mode });
      expect(r.expansions).toEqual({});
      expect(r.notes).toEqual([]);
      expect(r.total).toBe(0);
    }
  });

  it('message-passing ranks the papers saying "message passing" first', async () => {
    const saying = records.filter((p) => /message[\s-]passing/i.test(fullText(p)));
    expect(saying.some((p) => /message passing/i.test(fullText(p)))).toBe(true);
    for (const mode of ['lexical', 'hybrid'] as const) {
      const r = await index.search('message-passing', { mode, ...ALL });
      expect(new Set(ids(r).slice(0, saying.length)), mode).toEqual(
        new Set(saying.map((p) => p.id)),
      );
    }
  });

  it('highlights are valid ranges over query words; lexical hits name their matched terms', async () => {
    const queries = [
      'nucleus sampling',
      'graph neural networks',
      'adversarial robustness certified',
      '"mode connectivity"',
      'message-passing graphs',
      'transform*',
      'Generalization bounds',
      'reinforcement learning -robot',
      'Łukasz Kaiser transformers',
      'LaTeX $\\ell_1$ sparsity',
      'title:attention',
      'track:talk meta-learning',
    ];
    for (const q of queries) {
      for (const mode of SEARCH_MODES) {
        const r = await index.search(q, { mode, limit: 15 });
        checkHighlights(q, r);
        if (mode !== 'lexical') continue;
        const parsed = parseQuery(q);
        const queryWords = new Set(parsed.terms.map((t) => t.word));
        const queryTerms = new Set([
          ...parsed.terms.map((t) => t.term),
          ...Object.values(r.expansions).flat(),
        ]);
        const phrases = new Set(parsed.phrases.map((p) => `"${p.text}"`));
        for (const h of r.hits) {
          const label = `${q}: ${h.title ?? h.id}`;
          expect(h.explanation.lexicalScore, label).toBeGreaterThan(0);
          // Each entry is a query word, a query word matched through a related form, or a phrase.
          for (const w of h.explanation.matchedTerms) {
            const word = w.replace(/ \(related form\)$/, '');
            expect(queryWords.has(word) || phrases.has(w), `${label}: ${w}`).toBe(true);
          }
          // Every lexical hit names what matched (a phrase, a word or a related form).
          expect(h.explanation.matchedTerms.length, label).toBeGreaterThan(0);
          const p = rec(h.id);
          const own = tokenize(`${fullText(p)}\n${p.authors.join(', ')}`).map((t) => t.term);
          if (own.some((t) => queryTerms.has(t)))
            expect(h.explanation.matchedTerms.length, label).toBeGreaterThan(0);
        }
      }
    }
  });

  it('paging: pages are slices of one ranking, consistent with total', async () => {
    const q = 'reinforcement learning exploration';
    for (const mode of SEARCH_MODES) {
      const all = await index.search(q, { mode, ...ALL });
      expect(all.total).toBe(all.hits.length);
      for (const [offset, limit] of [
        [0, 10],
        [10, 10],
        [5, 7],
        [all.total - 3, 10],
        [all.total, 10],
        [all.total + 50, 10],
        [0, 0],
      ] as const) {
        const page = await index.search(q, { mode, offset, limit });
        expect(page.total).toBe(all.total);
        expect(page.offset).toBe(offset);
        expect(page.hits.length).toBe(Math.max(0, Math.min(limit, all.total - offset)));
        expect(ids(page)).toEqual(ids(all).slice(offset, offset + limit));
      }
    }
    const capped = await index.search('', { limit: 5000 });
    expect(capped.hits).toHaveLength(687);
  });

  it('the empty query lists every paper', async () => {
    for (const mode of SEARCH_MODES) {
      const r = await index.search('', { mode, ...ALL });
      expect(r.total).toBe(687);
      expect(ids(r)).toEqual(records.map((p) => p.id));
      expect(r.notes).toEqual([]);
    }
  });

  it('scores are in [0, 1] and sorted; the modes say which signals they used', async () => {
    for (const mode of SEARCH_MODES) {
      const r = await index.search('variational autoencoder disentanglement', { mode, limit: 50 });
      const scores = r.hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const h of r.hits) {
        expect(h.score).toBeGreaterThanOrEqual(0);
        expect(h.score).toBeLessThanOrEqual(1);
        if (mode === 'lexical') expect(h.explanation.semanticScore).toBeNull();
        else expect(typeof h.explanation.semanticScore).toBe('number');
      }
    }
  });

  it('lexical mode returns only papers with a lexical match', async () => {
    const r = await index.search('nucleus sampling', { mode: 'lexical', ...ALL });
    const expected = records.filter((p) =>
      /nucleus|sampl/i.test(`${fullText(p)} ${p.authors.join(' ')}`),
    );
    expect(r.total).toBeLessThanOrEqual(expected.length);
    for (const h of r.hits) {
      expect(h.explanation.lexicalScore).toBeGreaterThan(0);
      expect(fullText(rec(h.id))).toMatch(/nucleus|sampl/i);
    }
    // The semantic side also brings papers without the words.
    const hybrid = await index.search('nucleus sampling', { mode: 'hybrid', ...ALL });
    expect(hybrid.total).toBeGreaterThan(r.total);
  });

  it('semantic mode finds a paraphrase that shares no title words (nucleus sampling)', async () => {
    const q = 'choosing the most likely next token makes generated language bland and repetitive';
    for (const mode of ['semantic', 'hybrid'] as const) {
      const r = await index.search(q, { mode, limit: 5 });
      expect(
        r.hits.map((h) => h.title),
        mode,
      ).toContain(NUCLEUS);
    }
  });

  it('searching a parsed query gives the same ranking as the string', async () => {
    const q = 'graph neural networks -convolutional track:poster';
    const a = await index.search(q, { mode: 'hybrid', limit: 20 });
    const b = await index.search(parseQuery(q), { mode: 'hybrid', limit: 20 });
    expect(ids(b)).toEqual(ids(a));
    expect(b.total).toBe(a.total);
  });
});

// Regressions, each named after the bug it pins (found by the tests above, fixed since).
describe('search regressions', () => {
  let index: SearchIndex;
  beforeAll(() => {
    index = SearchIndex.build(records.map((r) => ({ ...r, corpus: 'iclr2020' })));
  });

  it('dataset:cifar-10 also finds papers writing CIFAR10 (the joined token was doubled)', async () => {
    const dashed = await index.search('dataset:cifar-10', { limit: 1000 });
    const glued = await index.search('dataset:cifar10', { limit: 1000 });
    expect(dashed.total).toBe(glued.total);
    expect(dashed.total).toBeGreaterThan(45);
  });

  it('a track word alone is a filter in every mode (its word stayed in the semantic text)', async () => {
    for (const mode of SEARCH_MODES) {
      expect((await index.search('spotlight', { mode })).total).toBe(108);
      expect((await index.search('talks', { mode })).total).toBe(48);
    }
    expect(parseQuery('spotlight papers on transformers').text).toBe('transformers');
  });

  it('a negated field term excludes only papers with the word in that field', async () => {
    const all = (await index.search('-title:attention', { limit: 1000 })).total;
    const inTitle = records.filter((r) =>
      tokenize(r.title ?? '').some((t) => t.term === 'attention'),
    ).length;
    expect(all).toBe(687 - inTitle);
  });

  it('full names with hyphens or stop words become author filters', async () => {
    for (const name of ['Po-Wei Wang', 'Will Grathwohl', 'Kun He']) {
      const r = await index.search(name, { limit: 100 });
      expect(
        r.filters.map((f) => f.kind),
        name,
      ).toContain('author');
      for (const h of r.hits) expect(h.authors, name).toContain(name);
    }
  });

  it('drops C1 controls and tabs, and never cuts a surrogate pair', () => {
    expect(parseQuery('a\u0085b').raw).toBe('a b');
    expect(parseQuery('"x\ty z"').text).toBe('x y z');
    const cut = parseQuery('x'.repeat(999) + '😀').raw;
    expect(cut).toBe('x'.repeat(999));
  });

  it("does not change a caller's parsed query, and keeps phrases in the semantic text", async () => {
    const q = parseQuery('Yoshua Bengio "causal mechanisms"');
    const copy = structuredClone(q);
    const r = await index.search(q);
    expect(q).toEqual(copy);
    expect(r.filters.map((f) => f.value)).toEqual(['Yoshua Bengio']);
    expect(r.hits.length).toBeGreaterThan(0);
  });

  it('lists only the filters it applied', async () => {
    const r = await index.search('topic:vision graph');
    expect(r.filters).toEqual([]);
    expect(r.notes.join(' ')).toContain('topic');
  });
});

describe('pruned scoring (large corpora) ranks as exhaustive scoring', () => {
  // The real listing with an ANN index, searched with pruning forced on and off.
  const docs: SearchDoc[] = parseListing(
    readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
    'listing.md',
  ).records.map((r) => ({ ...r, corpus: 'iclr2020' }));
  const base = SearchIndex.build(docs);
  const ann = HnswIndex.build(base.lsaMatrix, base.lsa.dim);
  const fitted = { model: base.lsa, vectors: base.lsaMatrix };
  // Few lexical candidates, so pruning happens in hybrid mode too on 687 papers.
  const common = { fitted, ann, lexical: base.lexical, lexicalCandidates: 30 };
  const pruned = SearchIndex.build(docs, { ...common, pruneAbove: 0 });
  const full = SearchIndex.build(docs, { ...common, pruneAbove: Infinity });
  const queries = readFileSync(new URL('../../bench/quality/queries.tsv', import.meta.url), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t')[2] ?? '')
    .concat([
      'graph track:Poster',
      'title:adversarial robust*',
      '"lottery ticket" -pruning',
      'reinforcement learning author:levine',
      'the of and',
      'optimizaton',
      // Filters that leave a few papers: those alone are scored.
      'meta learning author:finn',
      'Sergey Levine policy optimization',
      'author:bengio track:Talk generative',
      '"neural tangent" author:arora',
    ]);

  it.each(['lexical', 'hybrid', 'semantic'] as const)(
    '%s: same hits, scores and totals',
    async (mode) => {
      for (const q of queries) {
        for (const page of [
          { limit: 10, offset: 0 },
          { limit: 20, offset: 40 },
        ]) {
          const a = await pruned.search(q, { mode, ...page });
          const b = await full.search(q, { mode, ...page });
          expect({ q, hits: a.hits.map((h) => [h.id, h.score, h.explanation]) }).toEqual({
            q,
            hits: b.hits.map((h) => [h.id, h.score, h.explanation]),
          });
          expect({ q, total: a.total }).toEqual({ q, total: b.total });
        }
      }
    },
  );

  it('reuses its per-query arrays without carrying anything over, also concurrently', async () => {
    const mixed = [
      'graph track:Poster',
      '"lottery ticket" -pruning',
      'reinforcement learning author:levine',
      'adversarial examples',
      '-track:Poster attention',
      'optimizaton',
      'the of and',
    ];
    const view = (r: SearchResult) => ({
      total: r.total,
      hits: r.hits.map((h) => [h.id, h.score]),
    });
    for (const mode of ['lexical', 'hybrid', 'semantic'] as const) {
      // Each query alone, on an index that never answered another.
      const alone = [];
      for (const q of mixed) {
        const fresh = SearchIndex.build(docs, { ...common, pruneAbove: 0 });
        alone.push(view(await fresh.search(q, { mode })));
      }
      // One after the other on one index, twice (the second round reuses every array).
      for (let round = 0; round < 2; round++)
        for (const [i, q] of mixed.entries())
          expect({ q, ...view(await pruned.search(q, { mode })) }).toEqual({ q, ...alone[i] });
      // All at once: more queries in flight than arrays kept.
      const together = await Promise.all(mixed.map((q) => pruned.search(q, { mode })));
      expect(together.map(view)).toEqual(alone);
    }
  });
});
