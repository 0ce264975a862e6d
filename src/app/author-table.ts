// The authors of a saved analysis, read on demand. A million papers have about a million
// authors, whose saved lines (papers and co-authors of each) are 1.3 GB of JSON: parsed into
// objects they outgrew V8's 4 GB heap while a server opened. The table keeps each author's line
// as bytes (outside the heap) and, in the heap, only its key and its names (folded to words at
// the first search); an author is parsed when asked for.

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

export class AuthorTable {
  private readonly keys: string[] = [];
  /** Name and variants, joined (any separator: nameWords splits on every non-letter). */
  private readonly names: string[] = [];
  /** Name and variants, as nameWords joined by single spaces, with a space at each end. */
  private words: string[] | undefined;
  private readonly byKey = new Map<string, number>();
  /** Parsed authors (a table made from objects), or the lines they are read from. */
  private readonly records: SavedAuthor[] = [];
  /** Line i is bufs[lineBuf[i]] from lineStart[i] to lineEnd[i] (numbers: no object a line). */
  private readonly bufs: Buffer[] = [];
  private readonly lineBuf: number[] = [];
  private readonly lineStart: number[] = [];
  private readonly lineEnd: number[] = [];

  private constructor() {}

  /** A table over authors already in memory (a fresh analysis). */
  static of(authors: readonly SavedAuthor[]): AuthorTable {
    const t = new AuthorTable();
    for (const a of authors) {
      t.index(a.key, a.name, a.variants);
      t.records.push(a);
    }
    return t;
  }

  /** An empty table that saved lines are added to (see addLine). */
  static lazy(): AuthorTable {
    return new AuthorTable();
  }

  /**
   * Add the author saved as buf[start, end): a JSON text `["authors", {key, name, variants,
   * papers, …}]`. Only its key and names are read now. Throws on a line that is not one.
   */
  addLine(buf: Buffer, start: number, end: number): void {
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
    if (this.bufs[this.bufs.length - 1] !== buf) this.bufs.push(buf);
    this.lineBuf.push(this.bufs.length - 1);
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
  at(i: number): SavedAuthor {
    const r = this.records[i];
    if (r) return r;
    const buf = this.bufs[this.lineBuf[i] ?? -1];
    if (!buf) throw new RangeError(`author table: no author ${i}`);
    const text = buf.toString('utf8', this.lineStart[i], this.lineEnd[i]);
    return (JSON.parse(text) as [string, SavedAuthor])[1];
  }

  /** The author filed under exactly this key. */
  get(key: string): SavedAuthor | undefined {
    const i = this.byKey.get(key);
    return i === undefined ? undefined : this.at(i);
  }

  /** The first `limit` authors, in order. */
  first(limit: number): SavedAuthor[] {
    const out: SavedAuthor[] = [];
    for (let i = 0; i < Math.min(limit, this.length); i++) out.push(this.at(i));
    return out;
  }

  /**
   * The first `limit` authors whose name or a variant has all these words (see nameWords), in
   * order, and how many there are: only those returned are read (a common surname matches
   * tens of thousands of a million authors).
   */
  withWords(words: readonly string[], limit = Infinity): { authors: SavedAuthor[]; total: number } {
    const needles = words.map((w) => ` ${w} `);
    const authors: SavedAuthor[] = [];
    let total = 0;
    this.words ??= this.names.map((n) => ` ${nameWords(n).join(' ')} `);
    this.words.forEach((hay, i) => {
      if (!needles.every((n) => hay.includes(n))) return;
      if (total++ < limit) authors.push(this.at(i));
    });
    return { authors, total };
  }

  *[Symbol.iterator](): Generator<SavedAuthor> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}
