import { describe, expect, it } from 'vitest';
import { AuthorTable, nameWords, type SavedAuthor } from './author-table.js';

const author = (key: string, name: string, variants: string[] = [], n = 1): SavedAuthor => ({
  key,
  name,
  variants,
  papers: Array.from({ length: n }, (_, i) => `${key}-p${i}`),
  coauthors: [{ key: 'x', name: 'X "Quoted" Y', count: n }],
  community: n % 3,
});

// Names that could confuse reading a line's head: quotes, backslashes, the field's own text,
// non-ASCII letters, a name that is empty after folding.
const authors: SavedAuthor[] = [
  author('yoshua bengio', 'Yoshua Bengio', ['Y. Bengio'], 40),
  author('quote', 'Ann "The Quote" Lee', [], 3),
  author('slash', 'Back\\Slash\\', ['Back\\'], 2),
  author('field', 'Evil ,"papers":[ Name', ['x","papers":["y'], 2),
  author('jose', 'José Müller-Ñúñez', ['Jose Muller'], 2),
  author('emoji', '🙂', [], 1),
  author('ann bengio', 'Ann Bengio', [], 1),
  author('yoshua bengio', 'Duplicate Key', [], 1),
];

/** The lines as encodeAnalysis writes them, in buffers of a few lines each. */
function lazyTable(list: SavedAuthor[]): AuthorTable {
  const t = AuthorTable.lazy();
  for (let i = 0; i < list.length; i += 3) {
    const text = `${list
      .slice(i, i + 3)
      .map((a) => JSON.stringify(['authors', a]))
      .join('\n')}\n`;
    const buf = Buffer.from(text, 'utf8');
    for (let s = 0, nl = buf.indexOf(10); nl >= 0; s = nl + 1, nl = buf.indexOf(10, s))
      t.addLine(buf, s, nl);
  }
  return t;
}

/** The search as it was over an array of objects (the reference). */
function naive(list: SavedAuthor[], q: string): SavedAuthor[] {
  const exact = list.filter((x) => x.key === q);
  if (exact.length) return exact.slice(0, 1);
  const words = nameWords(q);
  return list.filter((x) => {
    const hay = nameWords([x.name, ...x.variants].join(' '));
    return words.every((w) => hay.includes(w));
  });
}

describe('AuthorTable', () => {
  const tables = { objects: AuthorTable.of(authors), lines: lazyTable(authors) };

  for (const [kind, t] of Object.entries(tables))
    it(`reads back every author, by position and by key (${kind})`, () => {
      expect(t.length).toBe(authors.length);
      expect([...t]).toEqual(authors);
      authors.forEach((a, i) => expect(t.at(i)).toEqual(a));
      expect(t.first(2)).toEqual(authors.slice(0, 2));
      expect(t.first(100)).toEqual(authors);
      // The first filed under a key wins.
      expect(t.get('yoshua bengio')?.name).toBe('Yoshua Bengio');
      expect(t.get('field')?.variants).toEqual(['x","papers":["y']);
      expect(t.get('nobody')).toBeUndefined();
      expect(() => t.at(authors.length)).toThrow(RangeError);
    });

  it('finds names by their words as the search over objects did', () => {
    for (const q of [
      'bengio',
      'Y. BENGIO',
      'jose muller',
      'Müller',
      'nunez',
      'quote',
      'the quote lee',
      'back',
      'slash',
      'papers',
      'evil name',
      'x',
      'zzz',
      'yoshua bengio',
    ]) {
      const want = naive(authors, q);
      const t = tables.lines;
      const got = t.get(q) ? [t.get(q)] : t.withWords(nameWords(q)).authors;
      expect(got, q).toEqual(want);
      // A limit reads only the first matches, and counts them all.
      const one = t.withWords(nameWords(q), 1);
      if (q === 'bengio') expect(one.total).toBe(2);
      expect(one.authors, q).toEqual(t.withWords(nameWords(q)).authors.slice(0, 1));
      expect(one.total, q).toBe(t.withWords(nameWords(q)).authors.length);
    }
  });

  it('refuses a line that is not a saved author', () => {
    const t = AuthorTable.lazy();
    const bad = Buffer.from('["authors",{"name":"no key","variants":[]}]\n["authors",oops]\n');
    expect(() => t.addLine(bad, 0, bad.indexOf(10))).toThrow(/key, name or variants/);
    expect(() => t.addLine(bad, bad.indexOf(10) + 1, bad.length - 1)).toThrow(SyntaxError);
    expect(t.length).toBe(0);
    expect(() => AuthorTable.of(authors).addLine(bad, 0, 10)).toThrow(/table of objects/);
  });
});
