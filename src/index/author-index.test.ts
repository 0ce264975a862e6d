import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../ingest/listing.js';
import { AuthorIndex, authorKey } from './author-index.js';

describe('AuthorIndex', () => {
  it('files names by folded key and by word, papers ascending, first spelling shown', () => {
    const ix = new AuthorIndex([
      { authors: ['José  García', 'Ann Lee'] },
      { authors: ['Ann Lee'] },
      { authors: ['jose garcia', '', '  ', 'Lee Min-Ho'] },
      { authors: [] },
    ]);
    expect(ix.size).toBe(3);
    const jg = ix.get('jose garcia');
    expect(jg).toBeDefined();
    expect(ix.display(jg ?? -1)).toBe('José  García');
    expect([...ix.papersOf(jg ?? -1)]).toEqual([0, 2]);
    const al = ix.get('ann lee') ?? -1;
    expect([...ix.papersOf(al)]).toEqual([0, 1]);
    expect(ix.words(ix.get('lee min ho') ?? -1)).toEqual(['lee', 'min', 'ho']);
    expect([...ix.withWord('lee')].map((e) => ix.key(e)).sort()).toEqual(['ann lee', 'lee min ho']);
    expect(ix.withWord('nobody')).toEqual([]);
    expect(ix.get('garcia')).toBeUndefined();
  });

  it('gives every author of the real listing exactly the papers that name them', () => {
    const listing = readFileSync(
      new URL('../../data/iclr2020/listing.md', import.meta.url),
      'utf8',
    );
    const docs = parseListing(listing, 'listing.md').records;
    const ix = new AuthorIndex(docs);
    const want = new Map<string, number[]>();
    docs.forEach((d, i) => {
      for (const a of d.authors) {
        const k = authorKey(a);
        if (k) want.set(k, [...(want.get(k) ?? []), i]);
      }
    });
    expect(ix.size).toBe(want.size);
    expect(ix.size).toBeGreaterThan(2000);
    for (const [k, papers] of want) {
      const e = ix.get(k);
      expect(e, k).toBeDefined();
      expect([...ix.papersOf(e ?? -1)], k).toEqual(papers);
      for (const w of new Set(k.split(' '))) expect(ix.withWord(w)).toContain(e);
    }
  });
});

describe('AuthorIndex saved as parts', () => {
  /** Everything the index answers, for comparing two. */
  function answers(ix: AuthorIndex, words: string[]) {
    const entries = Array.from({ length: ix.size }, (_, e) => ({
      key: ix.key(e),
      display: ix.display(e),
      papers: [...ix.papersOf(e)],
      get: ix.get(ix.key(e)),
    }));
    return {
      size: ix.size,
      papers: ix.paperCount,
      entries,
      words: words.map((w) => ix.withWord(w)),
    };
  }

  it('reads back an index that answers exactly as the one saved (real listing, odd names)', () => {
    const listing = readFileSync(
      new URL('../../data/iclr2020/listing.md', import.meta.url),
      'utf8',
    );
    const docs = [
      ...parseListing(listing, 'listing.md').records,
      // Display names with a line break, quotes, a backslash, non-ASCII; a name with no key.
      { authors: ['Ann\nLee', 'Zoë "Q" O\'Neil\\', '🙂', 'Łukasz Kaiser'] },
      { authors: [] },
    ];
    const ix = new AuthorIndex(docs);
    const round = AuthorIndex.fromParts(ix.toParts());
    const words = ['bengio', 'lee', 'ann', 'zoe', 'o', 'neil', 'lukasz', 'kaiser', 'nobody'];
    expect(answers(round, words)).toEqual(answers(ix, words));
    expect(round.paperCount).toBe(docs.length);
    expect(round.display(round.get('ann lee') ?? -1)).toBe('Ann\nLee');
    expect(round.display(round.get('zoe q o neil') ?? -1)).toBe('Zoë "Q" O\'Neil\\');
    // The empty index too.
    expect(answers(AuthorIndex.fromParts(new AuthorIndex([]).toParts()), ['x'])).toEqual(
      answers(new AuthorIndex([]), ['x']),
    );
  });

  it('refuses parts that do not fit together', () => {
    const p = new AuthorIndex([
      { authors: ['Ann Lee', 'Bo Li'] },
      { authors: ['Bo Li'] },
    ]).toParts();
    expect(() => AuthorIndex.fromParts(p)).not.toThrow();
    const bad = [
      { ...p, header: { ...p.header, format: p.header.format + 1 } },
      { ...p, keys: 'ann lee' },
      { ...p, displays: '["Ann Lee"]' },
      { ...p, displays: '{}' },
      { ...p, papers: p.papers.subarray(1) },
      { ...p, start: p.start.subarray(1) },
      { ...p, words: 'ann\nlee' },
      { ...p, wordEntries: p.wordEntries.subarray(1) },
    ];
    for (const b of bad) expect(() => AuthorIndex.fromParts(b)).toThrow(/inconsistent/);
  });
});

describe('authorKey', () => {
  it('folds case, diacritics and punctuation to single spaces', () => {
    expect(authorKey('Yoshua Bengio')).toBe('yoshua bengio');
    expect(authorKey('  Cho-Jui   Hsieh ')).toBe('cho jui hsieh');
    expect(authorKey('J. Zico Kolter')).toBe('j zico kolter');
    expect(authorKey('Łukasz Kaiser')).toBe('lukasz kaiser');
    expect(authorKey('ab12 cd')).toBe('ab12 cd');
    expect(authorKey('--')).toBe('');
  });
});
