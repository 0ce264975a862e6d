// The authors of a saved analysis, read on demand. A million papers have about a million
// authors, whose saved lines (papers and co-authors of each) are 1.3 GB of JSON: parsed into
// objects they outgrew V8's 4 GB heap while a server opened, and kept as bytes they were still
// 1.3 GB of its 8 GB. The table keeps, in the heap, each author's key and names (folded to words
// at the first search) and where its line is; the line is read again from the saved chunk when
// the author is asked for (a few recent chunks are cached), or kept as bytes when no loader is
// given.

/** One author as the analysis saves it. */
export interface SavedAuthor {
  key: string;
  name: string;
  variants: string[];
  papers: string[];
  coauthors: { key: string; name: string; count: number }[];
  community: number;
}

/** Lowercase ASCII words of a name (marks removed), as author search compares them. */
export function nameWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Where the fields searched end in a saved line: JSON.stringify writes key, name and variants
 * first. A quote inside a string is written \", so this text cannot occur inside one.
 */
const PAPERS_FIELD = Buffer.from(',"papers":[');

/** Each author's key and names, and where its saved line is (chunk, byte range). */
export interface AuthorDirectory {
  keys: string[];
  /** Name and variants, joined by newlines. */
  names: string[];
  chunk: ArrayLike<number>;
  start: ArrayLike<number>;
  end: ArrayLike<number>;
}

export class AuthorTable {
  private readonly keys: string[] = [];
  /** Name and variants, joined (any separator: nameWords splits on every non-letter). */
  private readonly names: string[] = [];
  /** Name and variants, as nameWords joined by single spaces, with a space at each end. */
  private words: string[] | undefined;
  private readonly byKey = new Map<string, number>();
  /** Parsed authors (a table made from objects), or the lines they are read from. */
  private readonly records: SavedAuthor[] = [];
  /**
   * Line i is in chunk lineBuf[i] from lineStart[i] to lineEnd[i] (numbers: no object a line):
   * bufs[lineBuf[i]] when kept, else read with `load`.
   */
  private readonly bufs: Buffer[] = [];
  private readonly lineBuf: number[] = [];
  private readonly lineStart: number[] = [];
  private readonly lineEnd: number[] = [];
  /** The chunks read back most recently (a Map keeps insertion order: oldest first). */
  private readonly cache = new Map<number, Promise<Buffer>>();

  private constructor(
    private readonly load?: (chunk: number) => Promise<Uint8Array>,
    private readonly cacheChunks = 4,
  ) {}

  /** A table over authors already in memory (a fresh analysis). */
  static of(authors: readonly SavedAuthor[]): AuthorTable {
    const t = new AuthorTable();
    for (const a of authors) {
      t.index(a.key, a.name, a.variants);
      t.records.push(a);
    }
    return t;
  }

  /**
   * An empty table that saved lines are added to (see addLine). With `load` (chunk number →
   * its bytes, as they were when added) lines are not kept but read again when asked for.
   */
  static lazy(load?: (chunk: number) => Promise<Uint8Array>, cacheChunks?: number): AuthorTable {
    return new AuthorTable(load, cacheChunks);
  }

  /**
   * A table over saved lines whose keys, names and places were saved beside them (see
   * directory): nothing is parsed but those, and no line is read until asked for. Throws when
   * the columns do not fit together.
   */
  static fromDirectory(
    d: AuthorDirectory,
    load: (chunk: number) => Promise<Uint8Array>,
    cacheChunks?: number,
  ): AuthorTable {
    const n = d.keys.length;
    if ([d.names, d.chunk, d.start, d.end].some((c) => c.length !== n))
      throw new Error('author table: a saved directory whose columns differ in length');
    const t = new AuthorTable(load, cacheChunks);
    // (Not push(...): a million arguments overflow the stack.)
    for (let i = 0; i < n; i++) {
      const key = d.keys[i] ?? '';
      // The first author filed under a key wins (as in index()).
      if (!t.byKey.has(key)) t.byKey.set(key, i);
      t.keys.push(key);
      t.names.push(d.names[i] ?? '');
      t.lineBuf.push(d.chunk[i] ?? 0);
      t.lineStart.push(d.start[i] ?? 0);
      t.lineEnd.push(d.end[i] ?? 0);
    }
    return t;
  }

  /**
   * Where each author's line is, given where the lines were written: the directory saved beside
   * them. Only for a table of objects (a fresh analysis, which is what is saved).
   */
  directory(places: Pick<AuthorDirectory, 'chunk' | 'start' | 'end'>): AuthorDirectory {
    if (this.records.length !== this.length)
      throw new Error('author table: only a table of objects is saved');
    return { keys: this.keys, names: this.names, ...places };
  }

  /**
   * Add the author saved as buf[start, end): a JSON text `["authors", {key, name, variants,
   * papers, …}]`, in chunk number `chunk` (for a table with a loader). Only its key and names
   * are read now. Throws on a line that is not one.
   */
  addLine(buf: Buffer, start: number, end: number, chunk = 0): void {
    if (this.records.length) throw new Error('author table: lines added to a table of objects');
    const at = buf.indexOf(PAPERS_FIELD, start);
    const head =
      at >= 0 && at < end
        ? (JSON.parse(`${buf.toString('utf8', start, at)}}]`) as unknown)
        : (JSON.parse(buf.toString('utf8', start, end)) as unknown);
    const a = (head as [string, Partial<SavedAuthor> | null] | null)?.[1];
    if (typeof a?.key !== 'string' || typeof a.name !== 'string' || !Array.isArray(a.variants))
      throw new Error('author table: a saved author without key, name or variants');
    this.index(a.key, a.name, a.variants);
    if (this.load) this.lineBuf.push(chunk);
    else {
      if (this.bufs[this.bufs.length - 1] !== buf) this.bufs.push(buf);
      this.lineBuf.push(this.bufs.length - 1);
    }
    this.lineStart.push(start);
    this.lineEnd.push(end);
  }

  private index(key: string, name: string, variants: readonly string[]): void {
    // The first author filed under a key wins (as Array.find did).
    if (!this.byKey.has(key)) this.byKey.set(key, this.keys.length);
    this.keys.push(key);
    // Folding a million names is seconds of a server's start: done at the first search.
    this.names.push([name, ...variants].join('\n'));
  }

  get length(): number {
    return this.keys.length;
  }

  /** The i-th author (most papers first, as the analysis orders them). */
  async at(i: number): Promise<SavedAuthor> {
    const r = this.records[i];
    if (r) return r;
    const c = this.lineBuf[i];
    if (c === undefined) throw new RangeError(`author table: no author ${i}`);
    const buf = this.load ? await this.chunk(c) : this.bufs[c];
    let found: SavedAuthor | undefined;
    try {
      const text = buf?.toString('utf8', this.lineStart[i], this.lineEnd[i]) ?? '';
      found = (JSON.parse(text) as [string, SavedAuthor | undefined] | null)?.[1];
    } catch {
      found = undefined;
    }
    // A chunk read back must be the one indexed (a saved analysis is never rewritten in place
    // with other content; if it were, this says so rather than answering with another author).
    if (!found || found.key !== this.keys[i])
      throw new Error(`author table: the saved line of author ${i} changed since it was read`);
    return found;
  }

  private chunk(c: number): Promise<Buffer> {
    let p = this.cache.get(c);
    if (p) {
      // Most recently used last.
      this.cache.delete(c);
      this.cache.set(c, p);
      return p;
    }
    const load = this.load;
    if (!load) throw new Error('author table: no loader');
    p = load(c).then((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    // A failed read is not cached: the next request tries again.
    p.catch(() => this.cache.get(c) === p && this.cache.delete(c));
    this.cache.set(c, p);
    for (const old of this.cache.keys()) {
      if (this.cache.size <= this.cacheChunks) break;
      this.cache.delete(old);
    }
    return p;
  }

  /** The author filed under exactly this key. */
  async get(key: string): Promise<SavedAuthor | undefined> {
    const i = this.byKey.get(key);
    return i === undefined ? undefined : this.at(i);
  }

  /** The first `limit` authors, in order. */
  async first(limit: number): Promise<SavedAuthor[]> {
    const out: SavedAuthor[] = [];
    for (let i = 0; i < Math.min(limit, this.length); i++) out.push(await this.at(i));
    return out;
  }

  /** Every author, in order (all read: for tests and small tables). */
  all(): Promise<SavedAuthor[]> {
    return this.first(this.length);
  }

  /**
   * The first `limit` authors whose name or a variant has all these words (see nameWords), in
   * order, and how many there are: only those returned are read (a common surname matches
   * tens of thousands of a million authors).
   */
  async withWords(
    words: readonly string[],
    limit = Infinity,
  ): Promise<{ authors: SavedAuthor[]; total: number }> {
    const needles = words.map((w) => ` ${w} `);
    const found: number[] = [];
    let total = 0;
    this.words ??= this.names.map((n) => ` ${nameWords(n).join(' ')} `);
    this.words.forEach((hay, i) => {
      if (!needles.every((n) => hay.includes(n))) return;
      if (total++ < limit) found.push(i);
    });
    const authors: SavedAuthor[] = [];
    for (const i of found) authors.push(await this.at(i));
    return { authors, total };
  }

  /** The authors of a table made from objects (a fresh analysis, which is what is saved). */
  *[Symbol.iterator](): Generator<SavedAuthor> {
    if (this.records.length !== this.length)
      throw new Error('author table: only a table of objects is iterated (see all())');
    yield* this.records;
  }
}
