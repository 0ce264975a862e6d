// Authors: name normalisation and corpus-aware merging (unit cases), then the real ICLR 2020
// corpus: distinct Bengios, symmetric co-author counts, deterministic communities covering
// everyone, and experts for a topic.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../ingest/listing.js';
import { SearchIndex } from '../index/search.js';
import { mulberry32 } from '../core/random.js';
import {
  buildAuthors,
  expertsFor,
  louvain,
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

/**
 * The straightforward Louvain (maps for the adjacency and for each node's neighbouring
 * communities, as first written): the typed-array implementation must give the same partition.
 */
function referenceLouvain(
  nodes: readonly string[],
  weights: ReadonlyMap<string, ReadonlyMap<string, number>>,
): Map<string, number> {
  const index = new Map(nodes.map((k, i) => [k, i]));
  let adj: Map<number, number>[] = nodes.map((k) => {
    const m = new Map<number, number>();
    for (const [b, w] of weights.get(k) ?? []) {
      const j = index.get(b);
      if (j !== undefined) m.set(j, (m.get(j) ?? 0) + w);
    }
    return m;
  });
  let total = 0;
  for (const m of adj) for (const w of m.values()) total += w;
  let membership = nodes.map((_, i) => i);
  if (total === 0) return new Map(nodes.map((k, i) => [k, i]));
  for (let level = 0; level < 32; level++) {
    const n = adj.length;
    const degree = adj.map((m) => [...m.values()].reduce((s, w) => s + w, 0));
    const comm = Array.from({ length: n }, (_, i) => i);
    const tot = [...degree];
    let moved = false;
    for (let pass = 0; pass < 100; pass++) {
      let changed = 0;
      for (let i = 0; i < n; i++) {
        const ci = comm[i] ?? i;
        const ki = degree[i] ?? 0;
        const links = new Map<number, number>();
        for (const [j, w] of adj[i] ?? []) {
          if (j === i) continue;
          const cj = comm[j] ?? j;
          links.set(cj, (links.get(cj) ?? 0) + w);
        }
        tot[ci] = (tot[ci] ?? 0) - ki;
        let best = ci;
        let bestGain = (links.get(ci) ?? 0) - ((tot[ci] ?? 0) * ki) / total;
        for (const [c, w] of [...links].sort((a, b) => a[0] - b[0])) {
          const gain = w - ((tot[c] ?? 0) * ki) / total;
          if (gain > bestGain + 1e-12 || (Math.abs(gain - bestGain) <= 1e-12 && c < best)) {
            best = c;
            bestGain = gain;
          }
        }
        tot[best] = (tot[best] ?? 0) + ki;
        if (best !== ci) {
          comm[i] = best;
          changed++;
        }
      }
      if (changed === 0) break;
      moved = true;
    }
    if (!moved) break;
    const renum = new Map<number, number>();
    for (const c of comm) if (!renum.has(c)) renum.set(c, renum.size);
    membership = membership.map((c) => renum.get(comm[c] ?? c) ?? 0);
    const next = Array.from({ length: renum.size }, () => new Map<number, number>());
    adj.forEach((m, i) => {
      const row = next[renum.get(comm[i] ?? i) ?? 0];
      if (!row) return;
      for (const [j, w] of m) {
        const cj = renum.get(comm[j] ?? j) ?? 0;
        row.set(cj, (row.get(cj) ?? 0) + w);
      }
    });
    adj = next;
  }
  return new Map(nodes.map((k, i) => [k, membership[i] ?? i]));
}

describe('louvain', () => {
  it('gives the partition of the straightforward implementation on random co-author graphs', () => {
    for (const seed of [1, 2, 3]) {
      // Papers of 1–6 authors drawn mostly from one of 15 groups of 40 people.
      const rand = mulberry32(seed);
      const nodes = Array.from({ length: 600 }, (_, i) => `a${String(i).padStart(3, '0')}`);
      const weights = new Map<string, Map<string, number>>();
      for (let p = 0; p < 900; p++) {
        const group = Math.floor(rand() * 15);
        const size = 1 + Math.floor(rand() * 6);
        const team = new Set<string>();
        while (team.size < size) {
          const g = rand() < 0.85 ? group : Math.floor(rand() * 15);
          team.add(nodes[g * 40 + Math.floor(rand() * 40)] ?? '');
        }
        for (const a of team)
          for (const b of team) {
            if (a === b) continue;
            let m = weights.get(a);
            if (!m) weights.set(a, (m = new Map<string, number>()));
            m.set(b, (m.get(b) ?? 0) + 1 / (team.size - 1));
          }
      }
      const { community, modularity } = louvain(nodes, weights);
      expect(community).toEqual(referenceLouvain(nodes, weights));
      expect(new Set(community.values()).size).toBeGreaterThan(10);
      expect(modularity).toBeGreaterThan(0.5);
    }
  });
});

describe('resolveAuthorKeys with a common surname', () => {
  it('joins initials to the one fitting full name among many of that surname', () => {
    const names = Array.from(
      { length: 300 },
      (_, i) => `Given${String.fromCharCode(97 + (i % 26))}${i} Wang`,
    );
    names.push('Christian Wang', 'C. Wang', 'Q. Wang', 'Quentin Wang', 'Quinn Wang', 'X. Y. Wang');
    const keys = resolveAuthorKeys(names);
    expect(keys.get('C. Wang')).toBe(keys.get('Christian Wang'));
    // Two full names fit "Q." (and every "Given…" is a G), so "Q." and "X. Y." stay alone.
    expect(keys.get('Q. Wang')).toBe('q wang');
    expect(keys.get('X. Y. Wang')).toBe('x y wang');
    expect(keys.get('Quentin Wang')).not.toBe(keys.get('Quinn Wang'));
  });
});
