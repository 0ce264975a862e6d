// Authors: one record per person (name variants merged), the co-author graph and its
// communities, and "who are the experts on X" from per-paper relevance scores.
//
// Name merging happens in two stages.
//
// 1. normalizeAuthorName (pure, per name): fold case and diacritics (Schölkopf = Scholkopf,
//    Łukasz = Lukasz), drop punctuation and parenthesised nicknames ("Krishnamurthy (Dj)
//    Dvijotham"), glue hyphenated parts (Skerry-Ryan → skerryryan), split initials ("J.G.",
//    "X.Fang", a middle "JG" → j g), and turn the inverted "Surname INITIALS." form into the
//    usual order ("Asano YM." → "y m asano"). All-caps surnames are just case ("Jiashi FENG").
//    A first-position all-caps short name is a given name, not initials ("RJ Skerry-Ryan").
//
// 2. resolveAuthorKeys (corpus-aware): normalised names are merged only when no other name in
//    the corpus could claim the same variant:
//    a. same letters once spaces are removed (Jean-Baptiste = Jean Baptiste);
//    b. same first name and surname, middle initials that form a chain under "is a prefix of"
//       (Philip Torr ~ Philip H. Torr ~ Philip H. S. Torr; Ekin Dogus Cubuk ~ Ekin D. Cubuk). If
//       the variants conflict (John A. Smith and John B. Smith), only identical middle initials
//       merge and a bare "John Smith" stays alone: we cannot tell whose it is. (Different
//       middle names with the same initial, John Adam / John Alan Smith, would merge: an
//       accepted risk, absent from ICLR 2020);
//    c. a name written with initials only ("Rupprecht C.", "D. A. Forsyth") joins a full name
//       with the same surname and compatible initials when exactly one such person exists
//       (Rupprecht C. → Christian Rupprecht); "Asano YM." stays alone when no Yuki M. Asano is
//       listed. A name with an initial and a spelled middle name ("M. Pawan Kumar") is a full
//       name: it never merges with "Manoj Kumar".
//    Not merged, on purpose: nicknames (Alex / Alexander Herzog), typos (Masso / Masao
//    Utiyama), reversed East Asian name order: no rule tells them apart from different people.
//    Different spelled-out first names are always different people (Yoshua ≠ Samy Bengio).
//    On ICLR 2020 these rules merge 25 people's variants (2 551 raw names → 2 526 authors).
//
// A person's display name is their most common well-formed variant (see bestDisplay).
//
// Communities: Louvain modularity optimisation on the co-author graph (each paper adds
// 1 / (authors − 1) to each pair of its authors, Newman's collaboration weight, so a 20-author
// paper does not outweigh a long collaboration), with nodes visited in key order and ties
// broken by the lowest community index: deterministic. Authors with no co-author are their own
// community.

import { fold } from '../index/analyze.js';

/** A paper as the author analysis needs it. */
export interface AuthoredPaper {
  id: string;
  authors: readonly string[];
}

export interface Coauthor {
  key: string;
  name: string;
  /** Papers written together. */
  count: number;
}

export interface AuthorRecord {
  key: string;
  /** The most common well-formed display form (see bestDisplay). */
  name: string;
  /** Every raw form seen, most common first. */
  variants: string[];
  /** Paper ids, in input order. */
  papers: string[];
  /** Most frequent collaborators first. */
  coauthors: Coauthor[];
  /** Index into `communities`. */
  community: number;
}

export interface Community {
  id: number;
  /** Author keys, sorted. */
  members: string[];
  size: number;
}

export interface AuthorsResult {
  /** Most papers first, then by key. */
  authors: AuthorRecord[];
  byKey: Map<string, AuthorRecord>;
  /** Raw name (as in the papers) → author key. */
  keyOf: Map<string, string>;
  /** Largest first; `id` is the position in this list. */
  communities: Community[];
  /** Newman-Girvan modularity of the partition. */
  modularity: number;
}

const PARTICLE_FREE_INVERTED = /^([^.]+?)\s+(\p{Lu}{1,3})\.$/u;

/** The name's parts, folded: given name(s) first, surname last. */
function nameParts(name: string): string[] {
  let text = name
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // "Asano YM." → "Y. M. Asano": a trailing run of capitals with a period is the initials.
  const inv = PARTICLE_FREE_INVERTED.exec(text);
  if (inv && !/\p{Lu}\.|\s\p{Lu}$|\s\p{Lu}\s/u.test(inv[1] ?? '')) {
    text = `${(inv[2] ?? '').replace(/\p{Lu}/gu, '$&. ')}${inv[1] ?? ''}`;
  }
  // Split at spaces and after periods ("J.G." → J, G; "X.Fang" → X, Fang).
  const raw = text.split(/[\s.]+/).filter(Boolean);
  const out: string[] = [];
  raw.forEach((tok, i) => {
    const middle = i > 0 && i < raw.length - 1;
    // A middle "JG" is two initials; a first "RJ" is a given name, a last "XU" a surname.
    if (middle && /^\p{Lu}{2,3}$/u.test(tok)) {
      for (const c of tok) out.push(fold(c));
      return;
    }
    const f = fold(tok).replace(/[^a-z0-9]+/g, '');
    if (f) out.push(f);
  });
  return out;
}

/**
 * A key for one written name: case, diacritics, punctuation, nicknames in parentheses and the
 * initials' spelling do not matter (`Sebastian U. Stich` = `Sebastian U Stich`, `Asano YM.` =
 * `Y. M. Asano`). Names that differ in more than that (a spelled-out middle name, a missing
 * initial) get different keys here; resolveAuthorKeys merges those when the corpus allows.
 */
export function normalizeAuthorName(name: string): string {
  return nameParts(name).join(' ');
}

interface Parsed {
  key: string;
  first: string;
  last: string;
  /** Initials of the parts between first name and surname. */
  middle: string;
  /** Every part but the surname is a single letter. */
  initialsOnly: boolean;
}

function parse(key: string): Parsed {
  const parts = key.split(' ');
  const first = parts[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1] ?? '') : '';
  const mid = parts.slice(1, -1);
  return {
    key,
    first,
    last,
    middle: mid.map((p) => p[0] ?? '').join(''),
    initialsOnly: parts.length > 1 && parts.slice(0, -1).every((p) => p.length === 1),
  };
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p === x) return x;
    p = this.find(p);
    this.parent.set(x, p);
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The smaller key becomes the root: the result does not depend on the order of unions.
    if (ra < rb) this.parent.set(rb, ra);
    else if (rb < ra) this.parent.set(ra, rb);
  }
}

const isPrefix = (a: string, b: string) => b.startsWith(a) || a.startsWith(b);

/**
 * Corpus-aware author keys: raw name → key, merging the variants of one person (see the rules
 * at the top of this file). The key of a merged person is the normalised form of their most
 * common display name.
 */
export function resolveAuthorKeys(names: Iterable<string>): Map<string, string> {
  const counts = new Map<string, number>();
  for (const n of names) if (n.trim()) counts.set(n, (counts.get(n) ?? 0) + 1);
  const norm = new Map<string, string>();
  for (const n of counts.keys()) {
    const k = normalizeAuthorName(n);
    if (k) norm.set(n, k);
  }
  const keys = [...new Set(norm.values())].sort();
  const uf = new UnionFind();

  // a. Same letters without spaces.
  const byLetters = groupBy(keys, (k) => k.replace(/ /g, ''));
  for (const g of byLetters.values()) for (const k of g.slice(1)) uf.union(g[0] ?? k, k);

  // b. Same first name and surname, compatible middle initials.
  const parsed = keys.map(parse);
  const byName = groupBy(
    parsed.filter((p) => p.last),
    (p) => `${p.first} ${p.last}`,
  );
  for (const g of byName.values()) {
    const mids = [...new Set(g.map((p) => p.middle))].sort((a, b) => a.length - b.length);
    const chain = mids.every(
      (m, i) => i === 0 || (mids[i - 1] !== undefined && m.startsWith(mids[i - 1] ?? '')),
    );
    if (chain) {
      for (const p of g.slice(1)) uf.union(g[0]?.key ?? p.key, p.key);
    } else {
      for (const same of groupBy(g, (p) => p.middle).values())
        for (const p of same.slice(1)) uf.union(same[0]?.key ?? p.key, p.key);
    }
  }

  // c. Initials-only names join the one full name they can belong to.
  const full = parsed.filter((p) => p.last && !p.initialsOnly && p.first.length > 1);
  // Grouped by surname and first initial (a candidate must share both), so a common surname
  // costs only the full names that could match; the scan stops at a second distinct owner.
  const fullByInitial = groupBy(full, (p) => `${p.last} ${p.first[0] ?? ''}`);
  for (const p of parsed) {
    if (!p.initialsOnly) continue;
    const initials = p.first + p.middle;
    let owner: string | undefined;
    let owners = 0;
    for (const f of fullByInitial.get(`${p.last} ${initials[0] ?? ''}`) ?? []) {
      const fInitials = (f.first[0] ?? '') + f.middle;
      // "C." fits Christian (C); "Y. M." fits Yuki M. and Yuki (its middle initial unknown).
      if (fInitials[0] !== initials[0] || !isPrefix(initials, fInitials)) continue;
      const root = uf.find(f.key);
      if (owners === 0) {
        owner = root;
        owners = 1;
      } else if (root !== owner) {
        owners = 2;
        break;
      }
    }
    if (owners === 1 && owner !== undefined) uf.union(owner, p.key);
  }

  // The key of a person: the normalised form of their best display name.
  const members = groupBy(
    [...counts.keys()].filter((n) => norm.has(n)),
    (n) => uf.find(norm.get(n) ?? ''),
  );
  const out = new Map<string, string>();
  for (const raws of members.values()) {
    const best = bestDisplay(raws, counts);
    const key = norm.get(best) ?? '';
    for (const r of raws) out.set(r, key);
  }
  return out;
}

/**
 * The display name of a person: the most frequent well-formed variant (an inverted "Vedaldi A.",
 * an all-caps "Jiashi FENG" or an all-lower-case form is used only when there is no other), ties
 * to the fullest, then to the one with diacritics (Schölkopf over Scholkopf).
 */
function bestDisplay(raws: readonly string[], counts: ReadonlyMap<string, number>): string {
  const rank = (n: string): number[] => {
    const words = n.split(/\s+/);
    const odd =
      PARTICLE_FREE_INVERTED.test(n) ||
      words.some((w, i) => i > 0 && /^\p{Lu}{2,}$/u.test(w)) ||
      /^\p{Ll}/u.test(n);
    return [
      odd ? 0 : 1,
      counts.get(n) ?? 0,
      n.replace(/[^\p{L}]/gu, '').length,
      n.replace(/[\p{ASCII}]/gu, '').length,
    ];
  };
  let best = raws[0] ?? '';
  let bestRank = rank(best);
  for (const r of raws.slice(1)) {
    const rr = rank(r);
    const cmp = compareRanks(rr, bestRank);
    if (cmp > 0 || (cmp === 0 && r < best)) {
      best = r;
      bestRank = rr;
    }
  }
  return best;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++)
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

function groupBy<T>(items: Iterable<T>, key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    let g = m.get(k);
    if (!g) m.set(k, (g = []));
    g.push(it);
  }
  return m;
}

/** Authors with their papers, co-authors and co-author communities. */
export function buildAuthors(papers: readonly AuthoredPaper[]): AuthorsResult {
  const keyOf = resolveAuthorKeys(papers.flatMap((p) => p.authors));
  interface Acc {
    papers: string[];
    forms: Map<string, number>;
    /** Co-author key → slot in coCount / coWeight (first co-authorship first). */
    co: Map<string, number>;
  }
  const acc = new Map<string, Acc>();
  // Per (author, co-author) pair: papers together, and the collaboration weight Σ 1/(authors−1).
  let coCount = new Uint32Array(1 << 16);
  let coWeight = new Float64Array(1 << 16);
  let slots = 0;
  for (const p of papers) {
    const keys: string[] = [];
    const accs: Acc[] = [];
    for (const raw of p.authors) {
      const k = keyOf.get(raw);
      if (k === undefined) continue;
      let a = acc.get(k);
      if (!a) acc.set(k, (a = { papers: [], forms: new Map(), co: new Map() }));
      a.forms.set(raw, (a.forms.get(raw) ?? 0) + 1);
      if (!keys.includes(k)) {
        keys.push(k);
        accs.push(a);
        a.papers.push(p.id);
      }
    }
    const w = keys.length > 1 ? 1 / (keys.length - 1) : 0;
    accs.forEach((ra, x) => {
      keys.forEach((b, y) => {
        if (x === y) return;
        const slot = ra.co.get(b);
        if (slot !== undefined) {
          coCount[slot] = (coCount[slot] ?? 0) + 1;
          coWeight[slot] = (coWeight[slot] ?? 0) + w;
          return;
        }
        if (slots === coCount.length) {
          const c = new Uint32Array(slots * 2);
          c.set(coCount);
          coCount = c;
          const cw = new Float64Array(slots * 2);
          cw.set(coWeight);
          coWeight = cw;
        }
        ra.co.set(b, slots);
        coCount[slots] = 1;
        coWeight[slots] = 0 + w;
        slots++;
      });
    });
  }
  const nameOf = (k: string, a: Acc) => bestDisplay([...a.forms.keys()], a.forms) || k;
  const names = new Map([...acc].map(([k, a]) => [k, nameOf(k, a)]));

  const order = [...acc.keys()].sort();
  // The co-author graph, each author's row in order of first co-authorship (as louvain builds
  // it from weight maps), straight from the pair slots.
  const indexOf = new Map(order.map((k, i) => [k, i]));
  const graph = csrFromRows(order.length, (i, add) => {
    for (const [b, slot] of acc.get(order[i] ?? '')?.co ?? [])
      add(indexOf.get(b) ?? 0, coWeight[slot] ?? 0);
  });
  const { membership, total } = louvainCsr(graph);
  const community = new Map(order.map((k, i) => [k, membership[i] ?? i]));
  const modularity = modularityCsr(graph, membership, total);
  // Communities: largest first, then by their first member.
  const groups = groupBy(order, (k) => String(community.get(k) ?? -1));
  const sortedGroups = [...groups.values()].sort(
    (a, b) => b.length - a.length || ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1),
  );
  const communities: Community[] = sortedGroups.map((members, id) => ({
    id,
    members,
    size: members.length,
  }));
  const communityOf = new Map<string, number>();
  for (const c of communities) for (const m of c.members) communityOf.set(m, c.id);

  const authors: AuthorRecord[] = order.map((key) => {
    const a = acc.get(key) as Acc;
    return {
      key,
      name: names.get(key) ?? key,
      variants: [...a.forms].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([f]) => f),
      papers: a.papers,
      coauthors: [...a.co]
        .map(([k, slot]) => ({ key: k, name: names.get(k) ?? k, count: coCount[slot] ?? 0 }))
        .sort((x, y) => y.count - x.count || (x.key < y.key ? -1 : 1)),
      community: communityOf.get(key) ?? -1,
    };
  });
  authors.sort((x, y) => y.papers.length - x.papers.length || (x.key < y.key ? -1 : 1));
  return {
    authors,
    byKey: new Map(authors.map((a) => [a.key, a])),
    keyOf,
    communities,
    modularity,
  };
}

/**
 * Louvain (Blondel et al. 2008): local moves of nodes to the neighbouring community with the
 * best modularity gain until none helps, then the communities become nodes; repeated while the
 * partition changes. Nodes are visited in the given order, ties go to the lowest community index.
 */
export function louvain(
  nodes: readonly string[],
  weights: ReadonlyMap<string, ReadonlyMap<string, number>>,
): { community: Map<string, number>; modularity: number } {
  const index = new Map(nodes.map((k, i) => [k, i]));
  // Adjacency as CSR (node → neighbours and weights, self-loops allowed), each row in the order
  // its neighbours were first met; sums in that order too.
  const adj = csrFromRows(nodes.length, (i, add) => {
    for (const [b, w] of weights.get(nodes[i] ?? '') ?? []) {
      const j = index.get(b);
      if (j !== undefined) add(j, w);
    }
  });
  const { membership, total } = louvainCsr(adj);
  const community = new Map(nodes.map((k, i) => [k, membership[i] ?? i]));
  return { community, modularity: modularity(nodes, weights, community, total) };
}

/** Louvain on a CSR graph: each node's final community, and the total weight (2m). */
function louvainCsr(graph: Csr): { membership: number[]; total: number } {
  let adj = graph;
  let total = 0; // 2m
  for (const w of adj.w) total += w;
  // membership[i] = community of original node i.
  let membership = Array.from({ length: adj.start.length - 1 }, (_, i) => i);
  if (total === 0) return { membership, total };

  for (let level = 0; level < 32; level++) {
    const n = adj.start.length - 1;
    const { start, nbr, w: wt } = adj;
    const degree = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let e = start[i] ?? 0; e < (start[i + 1] ?? 0); e++) s += wt[e] ?? 0;
      degree[i] = s;
    }
    const comm = Int32Array.from({ length: n }, (_, i) => i);
    const tot = Float64Array.from(degree);
    // Weights from the current node to each neighbouring community: dense, reset per node.
    const linkW = new Float64Array(n);
    const seen = new Uint8Array(n);
    const touched = new Int32Array(n);
    let moved = false;
    for (let pass = 0; pass < 100; pass++) {
      let changed = 0;
      for (let i = 0; i < n; i++) {
        const ci = comm[i] ?? i;
        const ki = degree[i] ?? 0;
        let nt = 0;
        for (let e = start[i] ?? 0; e < (start[i + 1] ?? 0); e++) {
          const j = nbr[e] ?? 0;
          if (j === i) continue;
          const cj = comm[j] ?? j;
          if (!seen[cj]) {
            seen[cj] = 1;
            linkW[cj] = 0;
            touched[nt++] = cj;
          }
          linkW[cj] = (linkW[cj] ?? 0) + (wt[e] ?? 0);
        }
        tot[ci] = (tot[ci] ?? 0) - ki;
        let best = ci;
        let bestGain = (seen[ci] ? (linkW[ci] ?? 0) : 0) - ((tot[ci] ?? 0) * ki) / total;
        const cands = touched.subarray(0, nt).sort();
        for (const c of cands) {
          const gain = (linkW[c] ?? 0) - ((tot[c] ?? 0) * ki) / total;
          if (gain > bestGain + 1e-12 || (Math.abs(gain - bestGain) <= 1e-12 && c < best)) {
            best = c;
            bestGain = gain;
          }
          seen[c] = 0;
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
    // Renumber communities in order of first appearance and aggregate.
    const renum = new Int32Array(n).fill(-1);
    let count = 0;
    for (const c of comm) if ((renum[c] ?? 0) < 0) renum[c] = count++;
    membership = membership.map((c) => renum[comm[c] ?? c] ?? 0);
    // Members of each new community, in node order.
    const memberStart = new Int32Array(count + 1);
    for (let i = 0; i < n; i++) {
      const c = renum[comm[i] ?? i] ?? 0;
      memberStart[c + 1] = (memberStart[c + 1] ?? 0) + 1;
    }
    for (let c = 0; c < count; c++)
      memberStart[c + 1] = (memberStart[c + 1] ?? 0) + (memberStart[c] ?? 0);
    const members = new Int32Array(n);
    const fill = memberStart.slice(0, count);
    for (let i = 0; i < n; i++) {
      const c = renum[comm[i] ?? i] ?? 0;
      members[fill[c] ?? 0] = i;
      fill[c] = (fill[c] ?? 0) + 1;
    }
    const prev = adj;
    adj = csrFromRows(count, (c, add) => {
      for (let m = memberStart[c] ?? 0; m < (memberStart[c + 1] ?? 0); m++) {
        const i = members[m] ?? 0;
        for (let e = prev.start[i] ?? 0; e < (prev.start[i + 1] ?? 0); e++) {
          const j = prev.nbr[e] ?? 0;
          add(renum[comm[j] ?? j] ?? 0, prev.w[e] ?? 0);
        }
      }
    });
  }
  return { membership, total };
}

/**
 * Newman-Girvan modularity of a partition of a CSR graph: the same sums, in the same order, as
 * modularity() over the weight maps the graph was built from.
 */
function modularityCsr(g: Csr, membership: readonly number[], total: number): number {
  if (total === 0) return 0;
  const n = g.start.length - 1;
  const inside = new Float64Array(n);
  const tot = new Float64Array(n);
  const seen = new Uint8Array(n);
  const firstSeen: number[] = [];
  for (let a = 0; a < n; a++) {
    const ca = membership[a] ?? a;
    for (let e = g.start[a] ?? 0; e < (g.start[a + 1] ?? 0); e++) {
      if (!seen[ca]) {
        seen[ca] = 1;
        firstSeen.push(ca);
      }
      const w = g.w[e] ?? 0;
      tot[ca] = (tot[ca] ?? 0) + w;
      const b = g.nbr[e] ?? 0;
      if ((membership[b] ?? b) === ca) inside[ca] = (inside[ca] ?? 0) + w;
    }
  }
  let q = 0;
  for (const c of firstSeen) q += (inside[c] ?? 0) / total - ((tot[c] ?? 0) / total) ** 2;
  return q;
}

interface Csr {
  start: Int32Array;
  nbr: Int32Array;
  w: Float64Array;
}

/**
 * A weighted graph of `n` nodes as CSR, row by row: `row(i, add)` calls add(j, w) for each
 * contribution to row i; contributions to the same j are summed in call order, and the row
 * lists its neighbours in order of first contribution (as a Map would).
 */
function csrFromRows(
  n: number,
  row: (i: number, add: (j: number, w: number) => void) => void,
): Csr {
  const start = new Int32Array(n + 1);
  let nbr = new Int32Array(Math.max(16, n * 4));
  let w = new Float64Array(nbr.length);
  let len = 0;
  const slot = new Int32Array(n).fill(-1);
  let rowStart = 0;
  const add = (j: number, x: number) => {
    const at = slot[j] ?? -1;
    if (at >= rowStart) {
      w[at] = (w[at] ?? 0) + x;
      return;
    }
    if (len === nbr.length) {
      const nb = new Int32Array(len * 2);
      nb.set(nbr);
      nbr = nb;
      const nw = new Float64Array(len * 2);
      nw.set(w);
      w = nw;
    }
    slot[j] = len;
    nbr[len] = j;
    w[len] = x;
    len++;
  };
  for (let i = 0; i < n; i++) {
    rowStart = len;
    row(i, add);
    start[i + 1] = len;
  }
  return { start, nbr: nbr.slice(0, len), w: w.slice(0, len) };
}

function modularity(
  nodes: readonly string[],
  weights: ReadonlyMap<string, ReadonlyMap<string, number>>,
  community: ReadonlyMap<string, number>,
  total: number,
): number {
  if (total === 0) return 0;
  const inside = new Map<number, number>();
  const tot = new Map<number, number>();
  for (const a of nodes) {
    const ca = community.get(a) ?? -1;
    for (const [b, w] of weights.get(a) ?? []) {
      tot.set(ca, (tot.get(ca) ?? 0) + w);
      if (community.get(b) === ca) inside.set(ca, (inside.get(ca) ?? 0) + w);
    }
  }
  let q = 0;
  for (const [c, t] of tot) q += (inside.get(c) ?? 0) / total - (t / total) ** 2;
  return q;
}

export interface ExpertOptions {
  /** How many experts (default 10). */
  limit?: number;
  /** A paper counts as matching from this fraction of the best paper's score (default 0.3). */
  minRelevance?: number;
  /** How many of an author's best matching papers count (default 3). */
  topPapers?: number;
  /** Weight of the j-th best paper is decay^j (default 0.7: 1, 0.7, 0.49). */
  decay?: number;
  /**
   * Exponent of the author's focus, matching papers / all their papers (default 0.25): someone
   * whose every paper is on the topic ranks above a prolific author with the same best papers.
   */
  focus?: number;
}

export interface Expert {
  name: string;
  key: string;
  score: number;
  /** The author's matching papers, best first. */
  papers: string[];
}

/**
 * Rank authors by how well their papers match a query, given each paper's relevance (e.g.
 * SearchIndex hybrid scores by paper id). Scores are divided by the best paper's, papers below
 * `minRelevance` do not count; an author's score is Σ_j decay^j · relevance_j over their best
 * `topPapers` matching papers, times (matching / all their papers)^focus. The cap on counted
 * papers and the focus factor keep a prolific author with many loosely related papers from
 * outranking one with several papers on the topic itself.
 */
export function expertsFor(
  relevance: ReadonlyMap<string, number>,
  authors: AuthorsResult | readonly AuthorRecord[],
  opts: ExpertOptions = {},
): Expert[] {
  const list = 'authors' in authors ? authors.authors : authors;
  const limit = opts.limit ?? 10;
  const minRel = opts.minRelevance ?? 0.3;
  const top = opts.topPapers ?? 3;
  const decay = opts.decay ?? 0.7;
  const focus = opts.focus ?? 0.25;
  let max = 0;
  for (const s of relevance.values()) if (s > max) max = s;
  if (!(max > 0)) return [];
  const out: Expert[] = [];
  for (const a of list) {
    const matching = a.papers
      .map((id) => [id, (relevance.get(id) ?? 0) / max] as const)
      .filter(([, r]) => r >= minRel)
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    if (!matching.length) continue;
    let s = 0;
    matching.slice(0, top).forEach(([, r], j) => (s += decay ** j * r));
    s *= (matching.length / a.papers.length) ** focus;
    out.push({
      name: a.name,
      key: a.key,
      score: Math.round(s * 10000) / 10000,
      papers: matching.map(([id]) => id),
    });
  }
  out.sort((x, y) => y.score - x.score || (x.key < y.key ? -1 : 1));
  return out.slice(0, limit);
}
