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
