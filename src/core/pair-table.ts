// A map from pairs of non-negative 31-bit integers (a, b) to non-negative ids: open addressing
// over typed arrays. Used where millions of (id, id) pairs are numbered (bigrams of the
// similar-papers index, phrases of topic names): a Map with number or string keys spent
// seconds on 100k papers' bigrams, and a Map holds at most 2^24 entries.

export class PairTable {
  private keyA = new Int32Array(1 << 16).fill(-1);
  private keyB = new Int32Array(1 << 16);
  private value = new Int32Array(1 << 16);
  private size = 0;

  private slot(a: number, b: number): number {
    const mask = this.keyA.length - 1;
    let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    for (h &= mask; ; h = (h + 1) & mask) {
      const ka = this.keyA[h] as number;
      if (ka === -1 || (ka === a && this.keyB[h] === b)) return h;
    }
  }

  /** The id of (a, b), or -1. */
  get(a: number, b: number): number {
    const h = this.slot(a, b);
    return this.keyA[h] === -1 ? -1 : (this.value[h] as number);
  }

  set(a: number, b: number, id: number): void {
    if (!this.hasRoom(1)) {
      const g = this.grow();
      while (!g.next().done);
    }
    const h = this.slot(a, b);
    if (this.keyA[h] === -1) this.size++;
    this.keyA[h] = a;
    this.keyB[h] = b;
    this.value[h] = id;
  }

  /** Room for `more` entries without growing? (Growing millions of entries takes a second.) */
  hasRoom(more: number): boolean {
    return 2 * (this.size + more) <= this.keyA.length;
  }

  /**
   * Twice the slots, rehashed in chunks with a yield between two (a caller building in slices
   * runs it so; `set` runs it to the end): no lookup may come before it has finished.
   */
  *grow(): Generator<void, void> {
    const { keyA, keyB, value } = this;
    this.keyA = new Int32Array(keyA.length * 2).fill(-1);
    this.keyB = new Int32Array(keyA.length * 2);
    this.value = new Int32Array(keyA.length * 2);
    for (let i = 0; i < keyA.length; i++) {
      const a = keyA[i] as number;
      if (a !== -1) {
        const h = this.slot(a, keyB[i] as number);
        this.keyA[h] = a;
        this.keyB[h] = keyB[i] as number;
        this.value[h] = value[i] as number;
      }
      if ((i & 0xffff) === 0xffff) yield;
    }
  }
}
