// Authors: name normalisation and corpus-aware merging (unit cases), then the real ICLR 2020
// corpus: distinct Bengios, symmetric co-author counts, deterministic communities covering
// everyone, and experts for a topic.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../ingest/listing.js';
import { SearchIndex } from '../index/search.js';
import {
  buildAuthors,
  expertsFor,
  normalizeAuthorName,
  resolveAuthorKeys,
  type AuthorRecord,
} from './authors.js';

const records = parseListing(
  readFileSync(new URL('../../data/iclr2020/listing.md', import.meta.url), 'utf8'),
  'listing.md',
).records;

describe('normalizeAuthorName', () => {
  it('ignores case, diacritics, punctuation, nicknames and how initials are written', () => {
    const same: [string, string][] = [
      ['Sebastian U. Stich', 'Sebastian U Stich'],
      ['Bernhard Schölkopf', 'Bernhard Scholkopf'],
      ['Łukasz Kaiser', 'Lukasz Kaiser'],
      ['Jiashi FENG', 'Jiashi Feng'],
      ['Ruud JG van Sloun', 'Ruud J.G. van Sloun'],
      ['Krishnamurthy (Dj) Dvijotham', 'Krishnamurthy Dvijotham'],
      ['Ethan X.Fang', 'Ethan X. Fang'],
      ['Asano YM.', 'Y. M. Asano'],
      ['  Jan  Koutník ', 'jan koutnik'],
    ];
    for (const [a, b] of same)
      expect(normalizeAuthorName(a), `${a} ~ ${b}`).toBe(normalizeAuthorName(b));
    expect(normalizeAuthorName('Asano YM.')).toBe('y m asano');
    expect(normalizeAuthorName('Ruud J.G. van Sloun')).toBe('ruud j g van sloun');
    expect(normalizeAuthorName('RJ Skerry-Ryan')).toBe('rj skerryryan');
  });

  it('keeps apart what a written name alone cannot settle', () => {
    expect(normalizeAuthorName('Yuki M. Asano')).not.toBe(normalizeAuthorName('Asano YM.'));
    expect(normalizeAuthorName('Philip H. Torr')).not.toBe(
      normalizeAuthorName('Philip H. S. Torr'),
    );
    expect(normalizeAuthorName('Yoshua Bengio')).not.toBe(normalizeAuthorName('Samy Bengio'));
  });
});

describe('resolveAuthorKeys', () => {
  const groups = (names: string[]) => {
    const keys = resolveAuthorKeys(names);
    return names.map((n) => keys.get(n));
  };

  it('merges middle-initial variants that form a chain', () => {
    const [a, b, c] = groups(['Philip H. Torr', 'Philip H. S. Torr', 'Philip Torr']);
    expect(a).toBe(b);
    expect(a).toBe(c);
    const [d, e] = groups(['Ekin D. Cubuk', 'Ekin Dogus Cubuk']);
    expect(d).toBe(e);
  });

  it('does not merge when the variants conflict', () => {
    const [a, b, c] = groups(['John A. Smith', 'John B. Smith', 'John Smith']);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('merges an initials-only name with the one full name it fits, and only then', () => {
    const [a, b] = groups(['Rupprecht C.', 'Christian Rupprecht']);
    expect(a).toBe(b);
    expect(a).toBe('christian rupprecht');
    const [c, d] = groups(['Asano YM.', 'Yuki M. Asano']);
    expect(c).toBe(d);
    // Two people could be "Y. M. Asano": keep it apart.
    const [e, f, g] = groups(['Asano YM.', 'Yuki M. Asano', 'Yoko Asano']);
    expect(e).not.toBe(f);
    expect(e).not.toBe(g);
    // An initial followed by a spelled-out name is a full name: M. Pawan Kumar is not Manoj Kumar.
    const [h, i] = groups(['M. Pawan Kumar', 'Manoj Kumar']);
    expect(h).not.toBe(i);
  });

  it('never merges different first names or nicknames', () => {
    const [a, b] = groups(['Yoshua Bengio', 'Samy Bengio']);
    expect(a).not.toBe(b);
    const [c, d] = groups(['Alex Herzog', 'Alexander Herzog']);
    expect(c).not.toBe(d);
  });

  it('keys a person by the normalised form of their best display name', () => {
    const keys = resolveAuthorKeys(['Jiashi FENG', 'Jiashi Feng', 'Jiashi Feng']);
    expect(keys.get('Jiashi FENG')).toBe('jiashi feng');
  });
});

describe('buildAuthors on ICLR 2020', () => {
  const result = buildAuthors(records);
  const { authors, byKey, keyOf, communities } = result;
  const person = (raw: string): AuthorRecord => {
    const a = byKey.get(keyOf.get(raw) ?? '');
    if (!a) throw new Error(`no author ${raw}`);
    return a;
  };

  it('has one record per person, with their papers and the most common well-formed name', () => {
    expect(authors.length).toBeGreaterThan(2400);
    expect(person('Philip H. Torr')).toBe(person('Philip H. S. Torr'));
    const vedaldi = person('Vedaldi A.');
    expect(vedaldi).toBe(person('Andrea Vedaldi'));
    expect(vedaldi.name).toBe('Andrea Vedaldi');
    expect(vedaldi.papers).toHaveLength(3);
    expect(person('Jiashi FENG').name).toBe('Jiashi Feng');
    expect(person('Bernhard Scholkopf').name).toBe('Bernhard Schölkopf');
    const levine = person('Sergey Levine');
    expect(authors[0]).toBe(levine);
    expect(levine.papers.length).toBeGreaterThanOrEqual(10);
  });

  it('tells Yoshua Bengio and Samy Bengio apart', () => {
    const yoshua = person('Yoshua Bengio');
    const samy = person('Samy Bengio');
    expect(yoshua.key).not.toBe(samy.key);
    expect(yoshua.name).toBe('Yoshua Bengio');
    expect(samy.name).toBe('Samy Bengio');
    const withSamy = records.filter((r) => r.authors.includes('Samy Bengio')).map((r) => r.id);
    expect(samy.papers).toEqual(withSamy);
    expect(yoshua.papers.some((p) => samy.papers.includes(p))).toBe(false);
  });

  it('counts co-authorships symmetrically, as shared papers', () => {
    let pairs = 0;
    for (const a of authors) {
      for (const c of a.coauthors) {
        const back = byKey.get(c.key)?.coauthors.find((x) => x.key === a.key);
        expect(back?.count, `${a.name} / ${c.name}`).toBe(c.count);
        const shared = a.papers.filter((p) => byKey.get(c.key)?.papers.includes(p)).length;
        expect(c.count).toBe(shared);
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(5000);
  });

  it('puts every author in exactly one community, deterministically', () => {
    const seen = new Map<string, number>();
    communities.forEach((c, i) => {
      expect(c.id).toBe(i);
      expect(c.size).toBe(c.members.length);
      for (const m of c.members) {
        expect(seen.has(m), m).toBe(false);
        seen.set(m, c.id);
      }
    });
    expect(seen.size).toBe(authors.length);
    for (const a of authors) expect(seen.get(a.key)).toBe(a.community);
    for (let i = 1; i < communities.length; i++)
      expect(communities[i]?.size).toBeLessThanOrEqual(communities[i - 1]?.size ?? Infinity);
    expect(result.modularity).toBeGreaterThan(0.9);
    // Same input, same communities; and the papers' order does not matter either.
    expect(buildAuthors(records).communities).toEqual(communities);
    expect(buildAuthors([...records].reverse()).communities).toEqual(communities);
    // Frequent collaborators end up together.
    const levine = person('Sergey Levine');
    const top = levine.coauthors[0];
    expect(top && byKey.get(top.key)?.community).toBe(levine.community);
  });
});

describe('expertsFor', () => {
  it('ranks several strong papers over one, and one over many loose matches', () => {
    const a = (key: string, papers: string[]): AuthorRecord => ({
      key,
      name: key,
      variants: [key],
      papers,
      coauthors: [],
      community: 0,
    });
    const relevance = new Map([
      ['f1', 0.9],
      ['f2', 0.85],
      ['f3', 0.8],
      ['p1', 0.5],
      ['p2', 0.45],
      ['p3', 0.45],
      ['p4', 0.45],
      ['p5', 0.45],
      ['s1', 1],
    ]);
    const list = [
      a('focused', ['f1', 'f2', 'f3']),
      a('prolific', ['p1', 'p2', 'p3', 'p4', 'p5', 'x1', 'x2', 'x3', 'x4', 'x5']),
      a('single', ['s1']),
      a('unrelated', ['x8']),
    ];
    const experts = expertsFor(relevance, list);
    expect(experts.map((e) => e.key)).toEqual(['focused', 'single', 'prolific']);
    expect(experts[0]?.papers).toEqual(['f1', 'f2', 'f3']);
    // Without the focus factor the prolific author's loose matches would outweigh one strong paper.
    expect(expertsFor(relevance, list, { focus: 0 })[1]?.key).toBe('prolific');
    expect(expertsFor(new Map(), list)).toEqual([]);
  });

  it('finds meta-learning researchers for "meta-learning" on ICLR 2020', async () => {
    const authors = buildAuthors(records);
    const index = SearchIndex.build(records.map((r) => ({ ...r, corpus: 'iclr2020' })));
    const res = await index.search('meta-learning', { limit: 1000, details: false });
    const relevance = new Map(res.hits.map((h) => [h.id, h.score]));
    const experts = expertsFor(relevance, authors, { limit: 5 });
    expect(experts).toHaveLength(5);
    const title = new Map(records.map((r) => [r.id, r.title ?? '']));
    const metaPapers = (e: (typeof experts)[number]) =>
      e.papers.filter((p) => /meta-?learning/i.test(title.get(p) ?? '')).length;
    expect(experts.some((e) => metaPapers(e) >= 2)).toBe(true);
    for (const e of experts) {
      const own = authors.byKey.get(e.key)?.papers ?? [];
      for (const p of e.papers) expect(own).toContain(p);
    }
    for (let i = 1; i < experts.length; i++)
      expect(experts[i]?.score).toBeLessThanOrEqual(experts[i - 1]?.score ?? Infinity);
  });
});
