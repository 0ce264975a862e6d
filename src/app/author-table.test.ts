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

/** The lines as encodeAnalysis writes them, in chunks of a few lines each. */
function chunksOf(list: SavedAuthor[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < list.length; i += 3)
    out.push(
      Buffer.from(
        `${list
          .slice(i, i + 3)
          .map((a) => JSON.stringify(['authors', a]))
          .join('\n')}\n`,
        'utf8',
      ),
    );
  return out;
}

/** A table of those lines: kept, or (with `load`) read again from the chunks when asked for. */
function lazyTable(
  list: SavedAuthor[],
  load?: (chunk: number) => Promise<Uint8Array>,
  cacheChunks?: number,
): AuthorTable {
  const t = AuthorTable.lazy(load, cacheChunks);
  for (const [c, buf] of chunksOf(list).entries())
    for (let s = 0, nl = buf.indexOf(10); nl >= 0; s = nl + 1, nl = buf.indexOf(10, s))
      t.addLine(buf, s, nl, c);
  return t;
}

/** A loader over these chunks that counts its reads. */
function counting(chunks: Buffer[]) {
  const reads: number[] = [];
  return {
    reads,
    load: (c: number) => {
      reads.push(c);
      const b = chunks[c];
      return b ? Promise.resolve(b) : Promise.reject(new Error(`no chunk ${c}`));
    },
  };
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
  const tables = {
    objects: AuthorTable.of(authors),
    lines: lazyTable(authors),
    stored: lazyTable(authors, counting(chunksOf(authors)).load, 2),
  };

  for (const [kind, t] of Object.entries(tables))
    it(`reads back every author, by position and by key (${kind})`, async () => {
      expect(t.length).toBe(authors.length);
      expect(await t.all()).toEqual(authors);
      for (const [i, a] of authors.entries()) expect(await t.at(i)).toEqual(a);
      expect(await t.first(2)).toEqual(authors.slice(0, 2));
      expect(await t.first(100)).toEqual(authors);
      // The first filed under a key wins.
      expect((await t.get('yoshua bengio'))?.name).toBe('Yoshua Bengio');
      expect((await t.get('field'))?.variants).toEqual(['x","papers":["y']);
      expect(await t.get('nobody')).toBeUndefined();
      await expect(t.at(authors.length)).rejects.toThrow(RangeError);
    });

  it('iterates only a table of objects (what is saved)', () => {
    expect([...tables.objects]).toEqual(authors);
    expect(() => [...tables.lines]).toThrow(/table of objects/);
  });

  it('reads a stored line again from its chunk, keeping a few chunks', async () => {
    const chunks = chunksOf(authors);
    expect(chunks.length).toBe(3);
    const { reads, load } = counting(chunks);
    const t = lazyTable(authors, load, 2);
    // Adding lines reads nothing back.
    expect(reads).toEqual([]);
    expect(await t.at(0)).toEqual(authors[0]);
    expect(await t.at(1)).toEqual(authors[1]);
    expect(reads).toEqual([0]);
    await t.at(4);
    await t.at(7);
    expect(reads).toEqual([0, 1, 2]);
    // Chunk 0 was the least recently used of three with room for two: read again.
    await t.at(2);
    expect(reads).toEqual([0, 1, 2, 0]);
    // Two at once share one read.
    const [a, b] = await Promise.all([t.at(3), t.at(5)]);
    expect([a, b]).toEqual([authors[3], authors[5]]);
    expect(reads).toEqual([0, 1, 2, 0, 1]);
  });

  it('says so when a chunk read back is not what was indexed, and retries a failed read', async () => {
    const chunks = chunksOf(authors);
    const other = chunksOf([...authors].reverse());
    let fail = true;
    const t = lazyTable(
      authors,
      (c) => {
        if (c === 1 && fail) {
          fail = false;
          return Promise.reject(new Error('busy'));
        }
        return Promise.resolve((c === 2 ? other : chunks)[c] ?? Buffer.alloc(0));
      },
      4,
    );
    await expect(t.at(3)).rejects.toThrow('busy');
    expect(await t.at(3)).toEqual(authors[3]);
    await expect(t.at(6)).rejects.toThrow(/changed since it was read/);
  });

  it('finds names by their words as the search over objects did', async () => {
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
      for (const t of [tables.lines, tables.stored]) {
        const exact = await t.get(q);
        const all = (await t.withWords(nameWords(q))).authors;
        expect(exact ? [exact] : all, q).toEqual(want);
        // A limit reads only the first matches, and counts them all.
        const one = await t.withWords(nameWords(q), 1);
        if (q === 'bengio') expect(one.total).toBe(2);
        expect(one.authors, q).toEqual(all.slice(0, 1));
        expect(one.total, q).toBe(all.length);
      }
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

  it('reads lines placed by a saved directory, parsing nothing until asked', async () => {
    const chunks = chunksOf(authors);
    const places = { chunk: [] as number[], start: [] as number[], end: [] as number[] };
    for (const [c, buf] of chunks.entries())
      for (let s = 0, nl = buf.indexOf(10); nl >= 0; s = nl + 1, nl = buf.indexOf(10, s)) {
        places.chunk.push(c);
        places.start.push(s);
        places.end.push(nl);
      }
    const dir = AuthorTable.of(authors).directory(places);
    expect(dir.names[0]).toBe('Yoshua Bengio\nY. Bengio');
    const { reads, load } = counting(chunks);
    const t = AuthorTable.fromDirectory(dir, load);
    expect(reads).toEqual([]);
    expect(t.length).toBe(authors.length);
    expect(await t.all()).toEqual(authors);
    // The first author filed under a key wins.
    expect((await t.get('yoshua bengio'))?.name).toBe('Yoshua Bengio');
    expect((await t.withWords(['bengio'])).total).toBe(2);
    expect(() => AuthorTable.fromDirectory({ ...dir, end: places.end.slice(1) }, load)).toThrow(
      /differ in length/,
    );
    // A lazy table has no objects to save.
    expect(() => t.directory(places)).toThrow();
  });
});
