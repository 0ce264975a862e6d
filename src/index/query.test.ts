// The query language parser: it must never throw, whatever it is given, and must read each
// documented construct (phrases, prefix, negation, field filters, inferred track filters).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRACKS } from '../core/types.js';
import { MAX_QUERY_CHARS, parseQuery, type ParsedQuery } from './query.js';

/** C0 controls other than tab and newline, and DEL: what the parser promises to drop. */
function droppedControls(s: string): number[] {
  const found: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10) || c === 127) found.push(c);
  }
  return found;
}

const FILTER_KINDS = ['track', 'author', 'topic', 'dataset', 'has', 'corpus'];

/** What must hold for any parse, whatever the input. */
function checkShape(input: string, q: ParsedQuery): void {
  expect(typeof q.raw).toBe('string');
  expect(typeof q.text).toBe('string');
  expect(q.raw.length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
  expect(droppedControls(q.raw)).toEqual([]);
  expect(droppedControls(q.text)).toEqual([]);
  expect(q.text).toBe(q.text.trim());
  for (const t of [...q.terms, ...q.excludeTerms]) {
    expect(t.word.length).toBeGreaterThan(0);
    // (NFKD folding of a few rare letters, e.g. U+037A, can put a space inside a word.)
    expect(t.word).not.toMatch(/[\t\n\r]/);
    expect(typeof t.term).toBe('string');
    expect(typeof t.root).toBe('string');
    expect(typeof t.prefix).toBe('boolean');
  }
  for (const p of [...q.phrases, ...q.excludePhrases]) expect(p.tokens.length).toBeGreaterThan(1);
  for (const f of q.filters) {
    expect(FILTER_KINDS).toContain(f.kind);
    expect(f.value.length).toBeGreaterThan(0);
    expect(typeof f.negated).toBe('boolean');
    expect(['explicit', 'inferred']).toContain(f.source);
    if (f.kind === 'track') expect(TRACKS as readonly string[]).toContain(f.value);
    if (f.kind === 'has') expect(['code', 'links', 'title']).toContain(f.value);
  }
  for (const n of q.notes) expect(typeof n).toBe('string');
  // Only a quoted phrase can carry a tab or newline into the text: unquoted words split on them.
  if (!/["“”]/.test(input)) expect(q.text).not.toMatch(/[\t\n]/);
}

// Pieces of query syntax (and of other engines' syntax) to build adversarial queries from.
const FRAGMENTS = [
  '"',
  '“',
  '”',
  '-',
  '!',
  '*',
  ':',
  '^',
  '(',
  ')',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\u0000',
  '\u0007',
  '\u001b[1m',
  '\u007f',
  '\u0085',
  '\u200b',
  '\ufeff',
  '\ud83d',
  '😀',
  '👩‍👩‍👧',
  'é',
  'ł',
  'AND',
  'OR',
  'NOT',
  'NEAR',
  'NEAR/3',
  'track:',
  'track:spotlight',
  'track:oral',
  'track:nope',
  'type:',
  'author:',
  'by:',
  'has:',
  'has:code',
  'has:pdf',
  'dataset:',
  'topic:',
  'corpus:',
  'title:',
  'abs:',
  'kw:',
  'foo:',
  'http://x.y/z',
  'a',
  'the',
  'graph',
  'neural',
  'networks',
  'message-passing',
  'CIFAR-10',
  'transform*',
  'spotlight',
  'posters',
  'talk',
  '\\mathcal',
  '$x$',
  '-"',
  '-author:"',
  '*"',
  '::',
  '---',
  '**',
];

const fragmentQuery = fc
  .array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 })
  .map((parts) => parts.join(''));
const spacedFragmentQuery = fc
  .array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 })
  .map((parts) => parts.join(' '));

describe('parseQuery never throws', () => {
  it('on arbitrary code points (binary), up to 2000 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (s) => {
        checkShape(s, parseQuery(s));
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary graphemes, up to 2000 of them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 2000 }), (s) => {
        checkShape(s, parseQuery(s));
      }),
      { numRuns: 200 },
    );
  });

  it('on strings built from query syntax, control characters, emoji and FTS operators', () => {
    fc.assert(
      fc.property(fc.oneof(fragmentQuery, spacedFragmentQuery), (s) => {
        checkShape(s, parseQuery(s));
      }),
      { numRuns: 1000 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(fc.oneof(fragmentQuery, fc.string({ unit: 'grapheme', maxLength: 200 })), (s) => {
        expect(parseQuery(s)).toEqual(parseQuery(s));
      }),
      { numRuns: 200 },
    );
  });

  it('cuts a 10 kB query to its first characters, with a note, quickly', () => {
    const long = 'graph neural networks "mode connectivity" -author:x '
      .repeat(200)
      .slice(0, 10_000);
    expect(long.length).toBe(10_000);
    const t0 = performance.now();
    const q = parseQuery(long);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(q.raw).toBe(long.slice(0, MAX_QUERY_CHARS));
    expect(q.notes).toContain(`query cut to its first ${MAX_QUERY_CHARS} characters`);
    // A quote-heavy or operator-heavy 10 kB query is no slower.
    for (const s of [
      '"'.repeat(10_000),
      '-'.repeat(10_000),
      'a:'.repeat(5_000),
      '"a '.repeat(3334),
    ]) {
      const t1 = performance.now();
      const r = parseQuery(s);
      expect(performance.now() - t1).toBeLessThan(500);
      expect(r.notes.some((n) => n.startsWith('query cut'))).toBe(true);
    }
  });

  it('leaves a query of exactly the limit alone', () => {
    const q = parseQuery('x'.repeat(MAX_QUERY_CHARS));
    expect(q.raw.length).toBe(MAX_QUERY_CHARS);
    expect(q.notes).toEqual([]);
  });

  it('drops control characters (as separators) before reading the query', () => {
    const q = parseQuery('graph\u0000neural\u0007networks\u007f');
    expect(q.terms.map((t) => t.word)).toEqual(['graph', 'neural', 'networks']);
    expect(q.raw).toBe('graph neural networks ');
    expect(q.text).toBe('graph neural networks');
  });
});

describe('parseQuery reads the query language', () => {
  const words = (q: ParsedQuery) => q.terms.map((t) => t.word);

  it('free words: stop words dropped, light stem and Porter root kept', () => {
    const q = parseQuery('Graph Neural Networks for the molecules');
    expect(words(q)).toEqual(['graph', 'neural', 'networks', 'molecules']);
    expect(q.terms.map((t) => t.term)).toEqual(['graph', 'neural', 'network', 'molecule']);
    expect(q.terms.every((t) => !t.prefix && t.field === undefined)).toBe(true);
    expect(q.text).toBe('Graph Neural Networks molecules');
    expect(q.filters).toEqual([]);
    expect(q.notes).toEqual([]);
  });

  it('a quoted phrase keeps its stop words and goes to the semantic text', () => {
    const q = parseQuery('"mode connectivity" loss');
    expect(q.phrases).toHaveLength(1);
    expect(q.phrases[0]?.text).toBe('mode connectivity');
    expect(q.phrases[0]?.tokens.map((t) => t.word)).toEqual(['mode', 'connectivity']);
    expect(words(q)).toEqual(['loss']);
    expect(q.text).toBe('mode connectivity loss');

    const stop = parseQuery('"the lottery ticket"');
    expect(stop.phrases[0]?.tokens.map((t) => t.word)).toEqual(['the', 'lottery', 'ticket']);
  });

  it('typographic quotes work like straight ones', () => {
    const q = parseQuery('“mode connectivity”');
    expect(q.phrases.map((p) => p.text)).toEqual(['mode connectivity']);
  });

  it('a quoted single word is a plain term, never a filter', () => {
    const q = parseQuery('"spotlight"');
    expect(q.filters).toEqual([]);
    expect(words(q)).toEqual(['spotlight']);
    expect(q.phrases).toEqual([]);
  });

  it('an unbalanced quote runs to the end of the query', () => {
    const q = parseQuery('robust "graph neural networks');
    expect(words(q)).toEqual(['robust']);
    expect(q.phrases.map((p) => p.text)).toEqual(['graph neural networks']);
    const lone = parseQuery('"');
    expect(lone.terms).toEqual([]);
    expect(lone.phrases).toEqual([]);
    expect(lone.text).toBe('');
  });

  it('prefix: a trailing * marks the word, and is not part of the text', () => {
    const q = parseQuery('transform* attention');
    expect(q.terms.map((t) => [t.word, t.prefix])).toEqual([
      ['transform', true],
      ['attention', false],
    ]);
    expect(q.text).toBe('transform attention');
    // Only the last word of a compound is a prefix; a quoted star is not a prefix.
    expect(parseQuery('"transform*"').terms.map((t) => t.prefix)).toEqual([false]);
  });

  it('negated terms and phrases (with - or !) are excluded, and not in the text', () => {
    const q = parseQuery('graph -convolutional !spectral -"neural tangent kernel"');
    expect(words(q)).toEqual(['graph']);
    expect(q.excludeTerms.map((t) => t.word)).toEqual(['convolutional', 'spectral']);
    expect(q.excludePhrases.map((p) => p.text)).toEqual(['neural tangent kernel']);
    expect(q.phrases).toEqual([]);
    expect(q.text).toBe('graph');
  });

  it('a dash alone or before a space negates nothing', () => {
    const q = parseQuery('graph - networks');
    expect(words(q)).toEqual(['graph', 'networks']);
    expect(q.excludeTerms).toEqual([]);
  });

  it('a hyphenated compound yields its parts and the joined form', () => {
    const q = parseQuery('message-passing');
    expect(q.terms.map((t) => [t.word, t.joined === true])).toEqual([
      ['message', false],
      ['passing', false],
      ['messagepassing', true],
    ]);
    expect(q.text).toBe('message-passing');
  });

  it('track:spotlight, track:oral (a Talk), type:posters, case-insensitive', () => {
    expect(parseQuery('track:spotlight').filters).toEqual([
      { kind: 'track', value: 'Spotlight', negated: false, source: 'explicit' },
    ]);
    expect(parseQuery('track:oral').filters).toEqual([
      { kind: 'track', value: 'Talk', negated: false, source: 'explicit' },
    ]);
    expect(parseQuery('TRACK:Talk').filters[0]?.value).toBe('Talk');
    expect(parseQuery('type:posters').filters[0]?.value).toBe('Poster');
    const neg = parseQuery('-track:poster');
    expect(neg.filters).toEqual([
      { kind: 'track', value: 'Poster', negated: true, source: 'explicit' },
    ]);
    expect(neg.text).toBe('');
    expect(neg.terms).toEqual([]);
  });

  it('an unknown track is a note, not a filter', () => {
    const q = parseQuery('track:workshop graphs');
    expect(q.filters).toEqual([]);
    expect(q.notes).toEqual([
      'unknown track "workshop" (expected poster, spotlight or talk); filter ignored',
    ]);
    expect(words(q)).toEqual(['graphs']);
  });

  it('author:"Sergey Levine" and -author:levine', () => {
    expect(parseQuery('author:"Sergey Levine"').filters).toEqual([
      { kind: 'author', value: 'Sergey Levine', negated: false, source: 'explicit' },
    ]);
    const q = parseQuery('robots -author:levine');
    expect(q.filters).toEqual([
      { kind: 'author', value: 'levine', negated: true, source: 'explicit' },
    ]);
    expect(words(q)).toEqual(['robots']);
    expect(q.text).toBe('robots');
    expect(parseQuery('by:bengio').filters[0]).toMatchObject({ kind: 'author', value: 'bengio' });
  });

  it('an empty quoted filter value is a note', () => {
    const q = parseQuery('author:""');
    expect(q.filters).toEqual([]);
    expect(q.notes).toEqual(['empty author: filter ignored']);
  });

  it('a field name with nothing after the colon is plain text', () => {
    const q = parseQuery('author: levine');
    expect(q.filters).toEqual([]);
    expect(words(q)).toEqual(['author', 'levine']);
  });

  it('has:code (any case); an unknown has: is a note', () => {
    expect(parseQuery('has:code').filters).toEqual([
      { kind: 'has', value: 'code', negated: false, source: 'explicit' },
    ]);
    expect(parseQuery('has:CODE').filters[0]?.value).toBe('code');
    expect(parseQuery('has:links').filters[0]?.value).toBe('links');
    const q = parseQuery('has:pdf');
    expect(q.filters).toEqual([]);
    expect(q.notes).toEqual([
      'unknown has:pdf (expected has:code, has:links or has:title); filter ignored',
    ]);
  });

  it('dataset:, corpus:, topic: become filters with their value as typed', () => {
    const q = parseQuery('dataset:cifar-10 corpus:iclr2020 topic:"graph learning"');
    expect(q.filters).toEqual([
      { kind: 'dataset', value: 'cifar-10', negated: false, source: 'explicit' },
      { kind: 'corpus', value: 'iclr2020', negated: false, source: 'explicit' },
      { kind: 'topic', value: 'graph learning', negated: false, source: 'explicit' },
    ]);
    expect(q.terms).toEqual([]);
    expect(q.text).toBe('');
  });

  it('title:, abs:, kw: restrict terms and phrases to a field', () => {
    const q = parseQuery('title:attention abs:"mode connectivity" kw:robustness');
    expect(q.terms.map((t) => [t.word, t.field])).toEqual([
      ['attention', 'title'],
      ['robustness', 'keywords'],
    ]);
    expect(q.phrases.map((p) => [p.text, p.field])).toEqual([['mode connectivity', 'abstract']]);
  });

  it('an unknown field is a note, and its value is searched as text', () => {
    const q = parseQuery('foo:bar');
    expect(q.notes).toEqual(['unknown field "foo:"; searched "bar" as text']);
    expect(q.filters).toEqual([]);
    expect(words(q)).toEqual(['bar']);
    expect(q.text).toBe('bar');
  });

  it('FTS operators are not syntax: AND/OR/NOT are stop words, the rest is punctuation', () => {
    const q = parseQuery('graph AND (neural OR spectral) NOT convolution^2 NEAR/3 "x');
    expect(words(q)).toEqual(['graph', 'neural', 'spectral', 'convolution', '2', 'near', '3', 'x']);
    expect(q.filters).toEqual([]);
    expect(q.excludeTerms).toEqual([]);
  });

  it('infers a track filter from free text and keeps the other words', () => {
    const q = parseQuery('spotlight papers on transformers');
    expect(q.filters).toEqual([
      { kind: 'track', value: 'Spotlight', negated: false, source: 'inferred' },
    ]);
    expect(words(q)).toEqual(['transformers']);
    expect(parseQuery('orals about robustness').filters[0]).toMatchObject({
      value: 'Talk',
      source: 'inferred',
    });
  });

  it('does not infer a track from a negated or field-bound track word', () => {
    const neg = parseQuery('graphs -spotlight');
    expect(neg.filters).toEqual([]);
    expect(neg.excludeTerms.map((t) => t.word)).toEqual(['spotlight']);
    const field = parseQuery('title:talk');
    expect(field.filters).toEqual([]);
    expect(field.terms.map((t) => [t.word, t.field])).toEqual([['talk', 'title']]);
  });

  it('folds diacritics and case in terms', () => {
    const q = parseQuery('Łukasz Kaiser Adrià');
    expect(words(q)).toEqual(['lukasz', 'kaiser', 'adria']);
  });
});
