// What the analysis found for each paper (entities, topic assignment, map position), held in
// columns. As records of objects (one per paper and kind, keyed by id) a million papers' results
// were three million small objects and arrays: about 1.5 GB of heap and most of the 43 s a server
// spent reading its saved analysis (in a heap that large, every garbage collection walks them).
// Here a paper is a position; topics are small integers, positions are numbers in arrays, and
// the entities of a paper that names nothing are not stored at all. Objects are made when asked.

import type { Entities } from '../analysis/entities.js';
import type { TopicAssignment } from '../analysis/topics.js';

/** Returned for "no names" in place of a fresh array each time (frozen: a push would throw). */
const NO_NAMES: readonly string[] = Object.freeze([]);

/** A PaperTable's contents, as saved (see PaperTable.columns and fromColumns). */
export interface PaperColumns {
  ids: string[];
  /** Entities by position: an object, null (found nothing), undefined (not analysed). */
  ent: (Entities | null | undefined)[];
  /** Topic ids by number. */
  topicIds: string[];
  /** Fine and broad topic numbers by position (-1: no assignment), and the score. */
  fine: number[];
  broad: number[];
  score: number[];
  /** x, y by position (NaN: not on the map). */
  xy: number[];
  /** Positions in the order each kind was added (the map's points are in id order). */
  order: { entities: number[]; assignments: number[]; coords: number[] };
}

export class PaperTable {
  private readonly pos = new Map<string, number>();
  private readonly idList: string[];
  private readonly ent: PaperColumns['ent'];
  /** Interned: a million assignments name a few hundred topics. */
  private readonly topicIds: string[];
  private readonly topicNum = new Map<string, number>();
  private readonly fine: number[];
  private readonly broad: number[];
  private readonly score: number[];
  private readonly xy: number[];
  private readonly order: PaperColumns['order'];
  /** Dataset names (interned: a few hundred names across a million papers). */
  private readonly names = new Map<string, string>();

  constructor(
    c: PaperColumns = {
      ids: [],
      ent: [],
      topicIds: [],
      fine: [],
      broad: [],
      score: [],
      xy: [],
      order: { entities: [], assignments: [], coords: [] },
    },
  ) {
    this.idList = c.ids;
    this.ent = c.ent;
    this.topicIds = c.topicIds;
    this.fine = c.fine;
    this.broad = c.broad;
    this.score = c.score;
    this.xy = c.xy;
    this.order = c.order;
  }

  /**
   * A table of saved columns (taken, not copied). Throws when they do not fit together: lengths,
   * a repeated id, a topic or position out of range.
   */
  static fromColumns(c: PaperColumns): PaperTable {
    const n = c.ids.length;
    const inRange = (xs: readonly number[], hi: number, lo = 0) =>
      xs.every((x) => Number.isInteger(x) && x >= lo && x < hi);
    if (
      c.ent.length !== n ||
      c.fine.length !== n ||
      c.broad.length !== n ||
      c.score.length !== n ||
      c.xy.length !== 2 * n ||
      !inRange(c.fine, c.topicIds.length, -1) ||
      !inRange(c.broad, c.topicIds.length, -1) ||
      !inRange(c.order.entities, n) ||
      !inRange(c.order.assignments, n) ||
      !inRange(c.order.coords, n)
    )
      throw new Error('paper table: saved columns that do not fit together');
    const t = new PaperTable(c);
    c.ids.forEach((id, i) => t.pos.set(id, i));
    if (t.pos.size !== n) throw new Error('paper table: a paper saved twice');
    c.topicIds.forEach((id, i) => t.topicNum.set(id, i));
    for (const e of c.ent) if (e) t.internNames(e);
    return t;
  }

  /** The columns (the table's own arrays: not to be changed). */
  columns(): PaperColumns {
    const { idList: ids, ent, topicIds, fine, broad, score, xy, order } = this;
    return { ids, ent, topicIds, fine, broad, score, xy, order };
  }

  /** A table of results computed now (keyed by paper id, in any order). */
  static of(parts: {
    entities: Iterable<[string, Entities]>;
    assignments: Iterable<[string, TopicAssignment]>;
    coords: Iterable<[string, readonly [number, number]]>;
  }): PaperTable {
    const t = new PaperTable();
    for (const [id, e] of parts.entities) t.setEntities(id, e);
    for (const [id, a] of parts.assignments) t.setAssignment(id, a);
    for (const [id, c] of parts.coords) t.setCoords(id, c[0], c[1]);
    return t;
  }

  private at(id: string): number {
    let i = this.pos.get(id);
    if (i === undefined) {
      i = this.idList.length;
      this.pos.set(id, i);
      this.idList.push(id);
      this.ent.push(undefined);
      this.fine.push(-1);
      this.broad.push(-1);
      this.score.push(0);
      this.xy.push(NaN, NaN);
    }
    return i;
  }

  private topic(id: string): number {
    let n = this.topicNum.get(id);
    if (n === undefined) {
      n = this.topicIds.length;
      this.topicNum.set(id, n);
      this.topicIds.push(id);
    }
    return n;
  }

  /** Papers' entities; a paper's second record replaces its first (as in a keyed record). */
  setEntities(id: string, e: Entities): void {
    const i = this.at(id);
    if (this.ent[i] === undefined) this.order.entities.push(i);
    if (!e.codeLinks.length && !e.datasets.length && !e.results.length) {
      this.ent[i] = null;
      return;
    }
    this.internNames(e);
    this.ent[i] = e;
  }

  private internNames(e: Entities): void {
    for (const d of e.datasets) {
      const n = this.names.get(d.name);
      if (n === undefined) this.names.set(d.name, d.name);
      else d.name = n;
    }
  }

  /** A paper whose entities are known to be empty (a saved line read without parsing it). */
  setNoEntities(id: string): void {
    const i = this.at(id);
    if (this.ent[i] === undefined) this.order.entities.push(i);
    this.ent[i] = null;
  }

  setAssignment(id: string, a: TopicAssignment): void {
    const i = this.at(id);
    if (this.fine[i] === -1) this.order.assignments.push(i);
    this.fine[i] = this.topic(a.fine);
    this.broad[i] = this.topic(a.broad);
    this.score[i] = a.score;
  }

  setCoords(id: string, x: number, y: number): void {
    const i = this.at(id);
    if (Number.isNaN(this.xy[2 * i])) this.order.coords.push(i);
    this.xy[2 * i] = x;
    this.xy[2 * i + 1] = y;
  }

  /** How many papers have entities, an assignment, a map position. */
  get sizes(): { entities: number; assignments: number; coords: number } {
    const { entities, assignments, coords } = this.order;
    return { entities: entities.length, assignments: assignments.length, coords: coords.length };
  }

  /** Whether the paper's entities were found (even none). */
  hasEntities(id: string): boolean {
    const i = this.pos.get(id);
    return i !== undefined && this.ent[i] !== undefined;
  }

  /** A paper's entities (a fresh empty set for one that names nothing), or undefined. */
  entities(id: string): Entities | undefined {
    const i = this.pos.get(id);
    const e = i === undefined ? undefined : this.ent[i];
    return e === null ? { codeLinks: [], datasets: [], results: [] } : e;
  }

  /** Canonical names of the datasets a paper names (a shared empty list when none). */
  datasetNames(id: string): readonly string[] {
    const i = this.pos.get(id);
    const e = i === undefined ? undefined : this.ent[i];
    return e?.datasets.length ? e.datasets.map((d) => d.name) : NO_NAMES;
  }

  /** A paper's code links (a shared empty list when none). */
  codeLinks(id: string): readonly string[] {
    const i = this.pos.get(id);
    const e = i === undefined ? undefined : this.ent[i];
    return e?.codeLinks.length ? e.codeLinks : NO_NAMES;
  }

  assignment(id: string): TopicAssignment | undefined {
    const i = this.pos.get(id);
    if (i === undefined || (this.fine[i] ?? -1) < 0) return undefined;
    return this.assignmentAt(i);
  }

  private assignmentAt(i: number): TopicAssignment {
    return {
      fine: this.topicIds[this.fine[i] ?? 0] ?? '',
      broad: this.topicIds[this.broad[i] ?? 0] ?? '',
      score: this.score[i] ?? 0,
    };
  }

  /** A paper's fine topic id (no object made), or undefined. */
  fineTopic(id: string): string | undefined {
    const i = this.pos.get(id);
    const n = i === undefined ? -1 : (this.fine[i] ?? -1);
    return n < 0 ? undefined : this.topicIds[n];
  }

  coords(id: string): [number, number] | undefined {
    const i = this.pos.get(id);
    if (i === undefined) return undefined;
    const x = this.xy[2 * i] ?? NaN;
    return Number.isNaN(x) ? undefined : [x, this.xy[2 * i + 1] ?? NaN];
  }

  /** Every paper with entities, in the order they were added. */
  *entityEntries(): Generator<[string, Entities]> {
    for (const i of this.order.entities)
      yield [this.idList[i] ?? '', this.ent[i] ?? { codeLinks: [], datasets: [], results: [] }];
  }

  /** The papers whose entities are not empty (no object made for the others). */
  *nonEmptyEntities(): Generator<[string, Entities]> {
    for (const i of this.order.entities) {
      const e = this.ent[i];
      if (e) yield [this.idList[i] ?? '', e];
    }
  }

  /** Every paper with an assignment, in the order they were added. */
  *assignmentEntries(): Generator<[string, TopicAssignment]> {
    for (const i of this.order.assignments) yield [this.idList[i] ?? '', this.assignmentAt(i)];
  }

  /** Every paper on the map, in the order they were added. */
  *coordEntries(): Generator<[string, [number, number]]> {
    for (const i of this.order.coords)
      yield [this.idList[i] ?? '', [this.xy[2 * i] ?? NaN, this.xy[2 * i + 1] ?? NaN]];
  }

  /** Ids of the papers on the map, in the order they were added. */
  mapIds(): string[] {
    return this.order.coords.map((i) => this.idList[i] ?? '');
  }

  /** Papers assigned to a topic (broad or fine), highest score first (ties: order added). */
  papersOf(topicId: string): string[] {
    const n = this.topicNum.get(topicId);
    if (n === undefined) return [];
    const hits: number[] = [];
    for (const i of this.order.assignments)
      if (this.fine[i] === n || this.broad[i] === n) hits.push(i);
    hits.sort((a, b) => (this.score[b] ?? 0) - (this.score[a] ?? 0));
    return hits.map((i) => this.idList[i] ?? '');
  }

  /** How many papers each broad area holds. */
  broadCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const i of this.order.assignments) {
      const b = this.broad[i] ?? -1;
      if (b >= 0) {
        const id = this.topicIds[b] ?? '';
        m.set(id, (m.get(id) ?? 0) + 1);
      }
    }
    return m;
  }
}
