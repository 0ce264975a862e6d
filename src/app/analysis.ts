// Analysis use cases: compute everything derived from a database's papers (entities, similar
// papers, topics, the 2D map, authors), save it in the store keyed by a hash of its input, and
// answer the questions interfaces ask of it. Interfaces only read what this saved.

import { createHash } from 'node:crypto';
import { buildAuthors, expertsFor, type AuthorsResult, type Expert } from '../analysis/authors.js';
import { extractEntities, lookupDataset, type Entities } from '../analysis/entities.js';
import { computeMap, labelPositions, DEFAULT_FRAME } from '../analysis/map.js';
import { qualitativePalette, renderMapPng, renderMapSvg } from '../analysis/render.js';
import {
  ApproxSimilarity,
  moreLikeThese,
  nearestPapers,
  type MoreLikeTheseResult,
  type SimilarInput,
  type SimilarPaper,
  type SliceOptions,
} from '../analysis/similar.js';
import { buildTopics, type Topic, type TopicAssignment } from '../analysis/topics.js';
import { SearchIndex, type SearchDoc } from '../index/search.js';
import { AuthorTable, nameWords, type SavedAuthor } from './author-table.js';
import { PaperTable } from './paper-table.js';
import { HnswIndex } from '../index/ann.js';
import type { Store } from '../store/types.js';
import { annKey, loadAnn, loadOrBuildAnn, loadOrFitLsa } from './embeddings.js';
import { loadDocs } from './docs.js';
import {
  corporaSignature,
  openChunks,
  hashInBatches,
  AUTHORS_POINTER,
  chunkKeys,
  LEXICAL_POINTER,
  loadAnyVectorMatrix,
  partKeys,
  readAhead,
  VECTORS_POINTER,
  loadAuthorIndex,
  loadLexical,
  loadOrBuildAuthorIndex,
  loadOrBuildLexical,
  openDocPack,
  putChunks,
  type SavedDocPack,
  SAVE_LEXICAL_ABOVE,
  savedMatrix,
} from './saved-index.js';

/** Bump when the shape or the methods change: saved analyses of another version are rebuilt. */
export const ANALYSIS_VERSION = 3;

export interface MapLabelPosition {
  topicId: string;
  label: string;
  level: 1 | 2;
  x: number;
  y: number;
  size: number;
}

/** Everything derived, as saved (plain JSON). */
export interface AnalysisData {
  version: number;
  inputHash: string;
  builtAt: string;
  timings: Record<string, number>;
  similar: Record<string, SimilarPaper[]>;
  /** Set when `similar` was not computed for every paper (large corpora): see similarPapers. */
  similarOnDemand?: boolean;
  topics: Topic[];
  /** Each paper's entities, topic assignment and map position (see PaperTable). */
  papers: PaperTable;
  map: { labels: MapLabelPosition[] };
  /** Most papers first; read on demand from a saved analysis (see AuthorTable). */
  authors: AuthorTable;
  communities: { id: number; size: number; members: string[] }[];
}

export interface Analysis {
  data: AnalysisData;
  docs: SearchDoc[];
  index: SearchIndex;
  similarInput: SimilarInput;
  /** Authors, name variants, co-authors (computed on first use: minutes at 100k papers). */
  readonly authors: AuthorsResult;
  /**
   * Similar papers computed on demand (corpora above SIMILAR_PRECOMPUTE_MAX), built on the first
   * call in slices that give the event loop back (a server goes on answering: 100k papers take
   * about half a minute); every caller meanwhile waits for the same build.
   */
  readonly approximate: () => Promise<ApproxSimilarity>;
  /** Where that build stands, and how many were started (one, unless one failed). */
  readonly approximateState: () => { state: 'idle' | 'building' | 'ready'; builds: number };
}

/** Above this many papers, similar papers are found on demand, not saved for every paper. */
export const SIMILAR_PRECOMPUTE_MAX = 20_000;

/** An Analysis whose costly parts are computed on first use (not copied: getters). */
function withLazyParts(
  base: Omit<Analysis, 'authors' | 'approximate' | 'approximateState'> & { computed: boolean },
  ann: HnswIndex | null,
  authors?: AuthorsResult,
  slices?: SliceOptions,
): Analysis & { computed: boolean } {
  let au = authors;
  let approx: Promise<ApproxSimilarity> | undefined;
  let ready = false;
  let builds = 0;
  const { similarInput, docs } = base;
  const build = async (): Promise<ApproxSimilarity> => {
    builds++;
    // Not in this call's turn: a caller's own synchronous work comes first.
    await (slices?.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve))))();
    // Papers held by several corpora leave out records, hence an index of their own (built
    // at once: the HNSW build does not yield; the usual single corpus reuses the search's).
    const a = await ApproxSimilarity.build(
      similarInput,
      { ann: ann ?? HnswIndex.build(similarInput.vectors, similarInput.dim) },
      slices,
    );
    ready = true;
    return a;
  };
  return {
    ...base,
    get authors() {
      au ??= buildAuthors(docs);
      return au;
    },
    approximate: () =>
      (approx ??= build().catch((e: unknown) => {
        // A failed build is tried again by the next caller.
        approx = undefined;
        throw e;
      })),
    approximateState: () => ({
      state: ready ? 'ready' : approx ? 'building' : 'idle',
      builds,
    }),
  };
}

function inputHashOf(docs: readonly SearchDoc[], lsaId: string): string {
  const h = createHash('sha256').update(`v${ANALYSIS_VERSION}\u0000${lsaId}`);
  return hashInBatches(
    h,
    docs,
    (d) =>
      `${d.corpus}\u0000${d.id}\u0000${d.title ?? ''}\u0000${d.authors.join(';')}\u0000${d.abstract}\u0000`,
  )
    .digest('hex')
    .slice(0, 16);
}

export interface AnalysisProgress {
  step: string;
  done: number;
  total: number;
}

/** The steps of opening a database for serving, in the order they run. */
export const OPEN_STEPS = [
  'papers',
  'vectors',
  'lexical index',
  'nearest-neighbour index',
  'author index',
  'search index',
  'saved analysis',
] as const;

/** A step of opening a database for serving (see openAnalysis's onOpen). */
export interface OpenProgress {
  step: (typeof OPEN_STEPS)[number];
  ms: number;
  papers: number;
}

/**
 * Load the saved analysis of this database's papers, or compute and save it. `rebuild` forces
 * recomputation. The search index comes along, built on the same LSA model.
 */
export async function openAnalysis(
  store: Store,
  opts: {
    rebuild?: boolean;
    onProgress?: (p: AnalysisProgress) => void;
    /** Find similar papers on demand above this many papers (default SIMILAR_PRECOMPUTE_MAX). */
    similarPrecomputeMax?: number;
    /** How the on-demand similarity index yields while it builds (see Analysis.approximate). */
    similarSlices?: SliceOptions;
    /** Each step of opening, when done, with its time (a million papers take minutes). */
    onOpen?: (p: OpenProgress) => void;
  } = {},
): Promise<Analysis & { computed: boolean }> {
  let t0 = performance.now();
  const lap = (step: OpenProgress['step'], papers: number) => {
    const t = performance.now();
    opts.onOpen?.({ step, ms: t - t0, papers });
    t0 = t;
  };
  const signature = await corporaSignature(store);
  // Large corpora start from saved indexes keyed by a fingerprint of their papers. With the
  // papers packed, that is known before they are read, and what is saved is read first: reading
  // a large value makes V8 mark the whole heap (external memory grew), which takes a second
  // once a million papers are in it (18 s for the BM25F index's 14 chunks), nothing before.
  const pack = await openDocPack(store, signature);
  const early = pack
    ? await readEarly(store, signature, pack, opts.similarPrecomputeMax, opts.rebuild)
    : null;
  const { docs: allDocs, fingerprint: fp } = await loadDocs(store, signature, {
    pack: pack && early?.docs ? { ...pack, read: packedDocs(early.docs) } : null,
  });
  const allTexts = allDocs.map((d) => SearchIndex.semanticText(d));
  lap('papers', allDocs.length);
  // Read early for other papers (a damaged pack, read from the table instead): not used.
  const sameFp = early?.fingerprint === fp ? early : undefined;
  const matrix = savedMatrix(store, fp, allDocs.length);
  const read = sameFp?.matrix;
  const fitted = await loadOrFitLsa(store, allTexts, {
    matrix: read
      ? {
          ...matrix,
          load: (model, dim) =>
            model === read.model && dim === read.dim
              ? Promise.resolve(read.vectors)
              : matrix.load(model, dim),
        }
      : matrix,
  });
  lap('vectors', allDocs.length);
  const { index: lexical } = await loadOrBuildLexical(
    store,
    allDocs,
    fp,
    undefined,
    sameFp?.lexical,
  );
  lap('lexical index', allDocs.length);
  const ann = await loadOrBuildAnn(
    store,
    fitted,
    read && fitted.vectors === read.vectors ? sameFp.ann : undefined,
  );
  lap('nearest-neighbour index', allDocs.length);
  const { index: authorIndex } = await loadOrBuildAuthorIndex(store, allDocs, fp, sameFp?.authors);
  lap('author index', allDocs.length);
  const index = SearchIndex.build(allDocs, { fitted, ann, lexical, authors: authorIndex });
  lap('search index', allDocs.length);
  const keep = firstRecords(allDocs, index.duplicates.group);
  const docs = pick(allDocs, keep);
  const dim = fitted.model.dim;
  const vectors =
    keep.length === allDocs.length ? fitted.vectors : new Float32Array(keep.length * dim);
  if (vectors !== fitted.vectors)
    keep.forEach((i, k) => vectors.set(fitted.vectors.subarray(i * dim, (i + 1) * dim), k * dim));
  const inputHash = await analysisInputHash(
    store,
    docs,
    fp,
    fitted.model.id,
    allDocs.length > SAVE_LEXICAL_ABOVE,
  );
  const key = analysisKey(inputHash, opts.similarPrecomputeMax);
  // Each text made again when the similarity index is built (on demand above
  // SIMILAR_PRECOMPUTE_MAX): kept here, the texts (flattened once read) held 1.4 GB at 1M papers.
  const similarInput: SimilarInput = {
    ids: docs.map((d) => d.id),
    texts: (i) => SearchIndex.semanticText(docs[i] as SearchDoc),
    vectors,
    dim,
  };
  // The ANN index over every record serves the analysed papers when they are all of them.
  const searchAnn = vectors === fitted.vectors ? index.ann : null;
  if (!opts.rebuild) {
    const data =
      sameFp?.analysis?.key === key ? sameFp.analysis.data : await readSavedAnalysis(store, key);
    if (data) {
      attachEntities(index, allDocs, data);
      lap('saved analysis', docs.length);
      return withLazyParts(
        { data, docs, index, similarInput, computed: false },
        searchAnn,
        undefined,
        opts.similarSlices,
      );
    }
  }
  const authors = buildAuthors(docs);
  const data = computeAnalysis(
    docs,
    pick(allTexts, keep),
    vectors,
    dim,
    authors,
    inputHash,
    opts.onProgress,
    opts.similarPrecomputeMax,
  );
  await putChunks(store, key, encodeAnalysis(data));
  attachEntities(index, allDocs, data);
  return withLazyParts(
    { data, docs, index, similarInput, computed: true },
    searchAnn,
    authors,
    opts.similarSlices,
  );
}

/** An analysis made with another on-demand threshold is another analysis. */
const analysisKey = (inputHash: string, similarPrecomputeMax: number | undefined): string =>
  `analysis@${inputHash}${similarPrecomputeMax === undefined ? '' : `-s${similarPrecomputeMax}`}`;

/** The saved analysis under `key` (of this version), or null (none, unreadable, another). */
async function readSavedAnalysis(store: Store, key: string): Promise<AnalysisData | null> {
  const saved = await openChunks(store, key);
  if (!saved) return null;
  try {
    const data = await readAnalysis(saved.count, async (i: number) => {
      const c = await saved.read(i);
      if (!c) throw new Error(`the saved analysis lost its chunk ${i}`);
      return c;
    });
    return data.version === ANALYSIS_VERSION ? data : null;
  } catch {
    return null; // unreadable: computed again by the caller
  }
}

/**
 * The inputHash of the last large analysis: which papers (their fingerprint) and model it was
 * for. Hashing a million papers' texts takes 7 s; the fingerprint names the same papers.
 */
const INPUT_MEMO = 'analysis-input';

interface InputMemo {
  version: number;
  fingerprint: string;
  model: string;
  inputHash: string;
}

async function readInputMemo(store: Store): Promise<InputMemo | null> {
  const raw = await store.getModel(INPUT_MEMO);
  try {
    const m = raw && (JSON.parse(Buffer.from(raw).toString('utf8')) as Partial<InputMemo>);
    return m && m.version === ANALYSIS_VERSION && typeof m.inputHash === 'string'
      ? (m as InputMemo)
      : null;
  } catch {
    return null;
  }
}

/** inputHashOf these papers, from the memo when it is for the same papers and model. */
async function analysisInputHash(
  store: Store,
  docs: readonly SearchDoc[],
  fingerprint: string,
  model: string,
  memoize: boolean,
): Promise<string> {
  if (!memoize) return inputHashOf(docs, model);
  const memo = await readInputMemo(store);
  if (memo?.fingerprint === fingerprint && memo.model === model) return memo.inputHash;
  const inputHash = inputHashOf(docs, model);
  const next: InputMemo = { version: ANALYSIS_VERSION, fingerprint, model, inputHash };
  await store.putModel(INPUT_MEMO, Buffer.from(JSON.stringify(next), 'utf8'));
  return inputHash;
}

/**
 * What is saved for the papers with this fingerprint, read before the papers' objects are made
 * (see openAnalysis): the BM25F and author indexes, the vector matrix and its ANN index, the
 * analysis the memo names (unless it is to be rebuilt), then the packed papers. Each is null
 * when not saved (or damaged). The values are read in two waves, all at once where the store
 * can (see Store.readModels).
 */
async function readEarly(
  store: Store,
  signature: string,
  pack: SavedDocPack,
  similarPrecomputeMax: number | undefined,
  rebuild: boolean | undefined,
) {
  const { fingerprint } = pack;
  const { store: first, release: done1 } = await readAhead(store, [
    ...(await partKeys(store, LEXICAL_POINTER, fingerprint)),
    ...(await partKeys(store, AUTHORS_POINTER, fingerprint)),
    ...(await partKeys(store, VECTORS_POINTER, fingerprint)),
  ]);
  const lexical = await loadLexical(first, fingerprint);
  const authors = await loadAuthorIndex(first, fingerprint);
  const matrix = await loadAnyVectorMatrix(first, fingerprint);
  done1();
  const fitted = matrix && { model: { id: matrix.model }, vectors: matrix.vectors };
  const memo = await readInputMemo(store);
  const key =
    !rebuild && matrix && memo?.fingerprint === fingerprint && memo.model === matrix.model
      ? analysisKey(memo.inputHash, similarPrecomputeMax)
      : null;
  // The analysis's head and column area (its authors' lines are read when asked for).
  const analysisKeys = key ? await chunkKeys(store, key) : [];
  const head = analysisKeys[0] === undefined ? null : await store.getModel(analysisKeys[0]);
  let area = 0;
  try {
    area = (head && layoutHead(head)?.areaChunks) || 0;
  } catch {
    area = 0; // read (and refused) again below
  }
  const ann = fitted && annKey(fitted);
  const { store: second, release: done2 } = await readAhead(store, [
    ...(ann ? await chunkKeys(store, ann) : []),
    ...analysisKeys.slice(1, 1 + area),
    ...pack.keys,
  ]);
  const index = fitted && ann ? await loadAnn(second, fitted, ann) : null;
  const data = key && (await readSavedAnalysis(second, key));
  const analysis = key && data ? { key, data } : null;
  const docs = await (await openDocPack(second, signature))?.read();
  // The analysis's author table reads its lines through `second` later: nothing else kept.
  done2();
  return {
    fingerprint,
    lexical,
    authors,
    matrix,
    ann: index,
    analysis,
    docs: docs ?? null,
  };
}

/**
 * The analysis covers each paper once: a paper held by several corpora (same id, or the same
 * paper recognised across sources) counts by its first record. Positions of those records.
 */
function firstRecords(docs: readonly SearchDoc[], group: ArrayLike<number>): number[] {
  const seen = new Set<string>();
  return docs.flatMap((d, i) => {
    if (seen.has(d.id) || group[i] !== i) return [];
    seen.add(d.id);
    return [i];
  });
}

/** A pack's read() giving papers already read (not a closure in openAnalysis: see pick). */
function packedDocs(docs: SearchDoc[]): () => Promise<SearchDoc[]> {
  return () => Promise.resolve(docs);
}

/**
 * xs[i] for each i of `at`. Not written as closures inside openAnalysis: what a closure there
 * reads lives in its context, which the closures kept after it returns (the saved analysis's
 * reader, the similar texts) keep alive: a million texts or ids would never be freed.
 */
function pick<T>(xs: readonly T[], at: readonly number[]): T[] {
  return at.map((i) => xs[i] as T);
}

/** Co-authors saved for each author (the most frequent; the explorer shows 40). */
export const SAVED_COAUTHORS = 50;

/** Saved chunks of an analysis read before they are decoded (8 × 32 MB). */
const ANALYSIS_READ_BATCH = 8;

/** Bytes of one saved chunk. */
const ANALYSIS_CHUNK_BYTES = 32 * 1024 * 1024;

/** The parts of a saved analysis's column area (see encodeAnalysis). */
const COLUMN_PARTS = [
  'ids',
  'entFlags',
  'entities',
  'fine',
  'broad',
  'score',
  'xy',
  'orderEntities',
  'orderAssignments',
  'orderCoords',
  'similar',
  'communities',
  'authorKeys',
  'authorNames',
  'authorChunk',
  'authorStart',
  'authorEnd',
] as const;
type ColumnPart = (typeof COLUMN_PARTS)[number];

/** The first chunk of a saved analysis (layout 2). */
interface SavedHead extends Omit<
  AnalysisData,
  'similar' | 'papers' | 'map' | 'authors' | 'communities'
> {
  mapLabels: MapLabelPosition[];
  layout: 2;
  topicIds: string[];
  /** Each part's byte offset and length in the column area. */
  parts: Record<ColumnPart, [number, number]>;
  /** Chunks of the column area (after the head), then of authors' lines (after those). */
  areaChunks: number;
  authorChunks: number;
}

/**
 * The analysis in chunks, for the store: a JSON head (the small fields), then a column area
 * (per-paper results as typed arrays, JSON only for the papers that name something, similar
 * papers, communities, and a directory of the authors: keys, names and where each one's line
 * is), then the authors' lines (JSON, one per author). A server reads the head and the columns
 * (a million papers: about 200 MB, against 1.6 GB of lines to parse before) and an author's
 * line when it is asked for. Layout 1 (JSON lines throughout) is still read.
 */
export function encodeAnalysis(
  data: AnalysisData,
  chunkBytes = ANALYSIS_CHUNK_BYTES,
): Uint8Array[] {
  const { similar, papers, map, authors, communities, ...head } = data;
  const authorChunks: Uint8Array[] = [];
  const places = {
    chunk: new Uint32Array(authors.length),
    start: new Uint32Array(authors.length),
    end: new Uint32Array(authors.length),
  };
  let lines: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (lines.length) authorChunks.push(Buffer.from(lines.join('\n') + '\n', 'utf8'));
    lines = [];
    bytes = 0;
  };
  let i = 0;
  for (const a of authors) {
    const text = JSON.stringify(['authors', a]);
    const len = Buffer.byteLength(text, 'utf8');
    places.chunk[i] = authorChunks.length;
    places.start[i] = bytes;
    places.end[i] = bytes + len;
    lines.push(text);
    bytes += len + 1;
    i++;
    if (bytes >= chunkBytes) flush();
  }
  flush();
  const c = papers.columns();
  const dir = authors.directory(places);
  const json = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v), 'utf8');
  const parts: Record<ColumnPart, ArrayBufferView> = {
    ids: json(c.ids),
    entFlags: Uint8Array.from(c.ent, (e) => (e === undefined ? 0 : e === null ? 1 : 2)),
    entities: json(c.ent.filter((e) => e)),
    fine: Int32Array.from(c.fine),
    broad: Int32Array.from(c.broad),
    score: Float64Array.from(c.score),
    xy: Float64Array.from(c.xy),
    orderEntities: Uint32Array.from(c.order.entities),
    orderAssignments: Uint32Array.from(c.order.assignments),
    orderCoords: Uint32Array.from(c.order.coords),
    similar: json(similar),
    communities: json(communities),
    authorKeys: json(dir.keys),
    authorNames: json(dir.names),
    authorChunk: places.chunk,
    authorStart: places.start,
    authorEnd: places.end,
  };
  // Each part at a multiple of 8 bytes, so typed arrays read it in place.
  const at = {} as Record<ColumnPart, [number, number]>;
  let size = 0;
  for (const k of COLUMN_PARTS) {
    at[k] = [size, parts[k].byteLength];
    size += Math.ceil(parts[k].byteLength / 8) * 8;
  }
  const area = new Uint8Array(size);
  for (const k of COLUMN_PARTS) {
    const p = parts[k];
    area.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at[k][0]);
  }
  const areaChunks: Uint8Array[] = [];
  for (let off = 0; off < size; off += chunkBytes)
    areaChunks.push(area.subarray(off, Math.min(size, off + chunkBytes)));
  const saved: SavedHead = {
    ...head,
    mapLabels: map.labels,
    layout: 2,
    topicIds: c.topicIds,
    parts: at,
    areaChunks: areaChunks.length,
    authorChunks: authorChunks.length,
  };
  return [json(saved), ...areaChunks, ...authorChunks];
}

/** What a saved head has that AnalysisData has not. */
const SAVED_ONLY = new Set([
  'mapLabels',
  'layout',
  'topicIds',
  'parts',
  'areaChunks',
  'authorChunks',
]);

/** The head of a layout-2 analysis, or null for a chunk that is not one (layout 1). */
function layoutHead(first: Uint8Array): SavedHead | null {
  const b = Buffer.from(first.buffer, first.byteOffset, first.byteLength);
  // Layout 1's first chunk is lines (its head, then more); layout 2's head is one JSON text.
  if (b.indexOf(10) >= 0) return null;
  const head = JSON.parse(b.toString('utf8')) as Partial<SavedHead> | null;
  if (head?.layout !== 2) throw new Error('a saved analysis of an unknown layout');
  return head as SavedHead;
}

/** The column area's chunks as one buffer that typed arrays can read (8-byte aligned). */
function joinArea(chunks: readonly Uint8Array[]): Uint8Array {
  const [one] = chunks;
  if (chunks.length === 1 && one && one.byteOffset % 8 === 0) return one;
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * A layout-2 analysis from its head and column area; authors' lines are read with
 * `readAuthors` (chunk number among the authors' chunks) when asked for. Throws on anything
 * inconsistent.
 */
function decodeColumns(
  head: SavedHead,
  area: Uint8Array,
  readAuthors: (chunk: number) => Promise<Uint8Array>,
): AnalysisData {
  const part = (k: ColumnPart): Uint8Array => {
    const [off, len] = (head.parts as Partial<SavedHead['parts']>)[k] ?? [NaN, NaN];
    if (!(off >= 0 && len >= 0 && off + len <= area.length))
      throw new Error(`the saved analysis has no part ${k}`);
    return area.subarray(off, off + len);
  };
  const json = (k: ColumnPart): unknown => {
    const p = part(k);
    return JSON.parse(Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8'));
  };
  const typed = <C extends typeof Int32Array | typeof Uint32Array | typeof Float64Array>(
    C: C,
    k: ColumnPart,
  ): InstanceType<C> => {
    const p = part(k);
    if (p.byteOffset % C.BYTES_PER_ELEMENT || p.byteLength % C.BYTES_PER_ELEMENT)
      throw new Error(`the saved analysis's part ${k} is misaligned`);
    return new C(
      p.buffer as ArrayBuffer,
      p.byteOffset,
      p.byteLength / C.BYTES_PER_ELEMENT,
    ) as InstanceType<C>;
  };
  const ids = json('ids') as string[];
  const flags = part('entFlags');
  const found = json('entities') as Entities[];
  if (!Array.isArray(ids) || !Array.isArray(found) || flags.length !== ids.length)
    throw new Error('the saved analysis has papers and entities that differ in number');
  let e = 0;
  const ent = Array.from(flags, (f) => (f === 0 ? undefined : f === 1 ? null : found[e++]));
  if (e !== found.length)
    throw new Error('the saved analysis has papers and entities that differ in number');
  const papers = PaperTable.fromColumns({
    ids,
    ent,
    topicIds: head.topicIds,
    fine: Array.from(typed(Int32Array, 'fine')),
    broad: Array.from(typed(Int32Array, 'broad')),
    score: Array.from(typed(Float64Array, 'score')),
    xy: Array.from(typed(Float64Array, 'xy')),
    order: {
      entities: Array.from(typed(Uint32Array, 'orderEntities')),
      assignments: Array.from(typed(Uint32Array, 'orderAssignments')),
      coords: Array.from(typed(Uint32Array, 'orderCoords')),
    },
  });
  const chunk = typed(Uint32Array, 'authorChunk');
  if (chunk.some((c) => c >= head.authorChunks))
    throw new Error('the saved analysis places an author beyond its chunks');
  const authors = AuthorTable.fromDirectory(
    {
      keys: json('authorKeys') as string[],
      names: json('authorNames') as string[],
      chunk,
      start: typed(Uint32Array, 'authorStart'),
      end: typed(Uint32Array, 'authorEnd'),
    },
    readAuthors,
  );
  // The head without what only the saved form has.
  const rest = Object.fromEntries(Object.entries(head).filter(([k]) => !SAVED_ONLY.has(k))) as Omit<
    SavedHead,
    'mapLabels' | 'layout' | 'topicIds' | 'parts' | 'areaChunks' | 'authorChunks'
  >;
  return {
    ...rest,
    similar: json('similar') as AnalysisData['similar'],
    papers,
    map: { labels: head.mapLabels },
    authors,
    communities: json('communities') as AnalysisData['communities'],
  };
}

/**
 * A saved analysis read from its chunks (`read(i)`, throwing when one is gone): of layout 2, the
 * head and column area only; of layout 1, every line (authors' lines indexed, not kept).
 */
async function readAnalysis(
  count: number,
  read: (i: number) => Promise<Uint8Array>,
): Promise<AnalysisData> {
  const first = await read(0);
  const head = layoutHead(first);
  if (head) {
    if (count !== 1 + head.areaChunks + head.authorChunks)
      throw new Error('the saved analysis has lost chunks');
    const area: Uint8Array[] = [];
    for (let i = 1; i <= head.areaChunks; i++) area.push(await read(i));
    return decodeColumns(head, joinArea(area), (c) => read(1 + head.areaChunks + c));
  }
  // A few chunks at a time (not all: 1.6 GB at 1M papers; not one: each read between decodes
  // grew the memory outside the heap enough for V8 to collect the whole heap, 90 s against 56 s
  // at 1M). Authors' lines are read again when asked for, not kept.
  const decoder = analysisDecoder(read);
  decoder.add(first, 0);
  for (let i = 1; i < count; i += ANALYSIS_READ_BATCH) {
    const batch: Uint8Array[] = [];
    for (let j = i; j < Math.min(count, i + ANALYSIS_READ_BATCH); j++) batch.push(await read(j));
    batch.forEach((c, k) => decoder.add(c, i + k));
  }
  return decoder.finish();
}

/** How a saved author's line starts (see encodeAnalysis). */
const AUTHOR_LINE = Buffer.from('["authors",');
/** How a paper's entities line starts, and how it ends when the paper names nothing. */
const ENTITIES_LINE = Buffer.from('["entities",');
const NO_ENTITIES_END = Buffer.from(',{"codeLinks":[],"datasets":[],"results":[]}]');

/** `buf` at `at` holds `b`. */
const holds = (buf: Buffer, at: number, b: Buffer, end: number) =>
  at >= 0 && at + b.length <= end && buf.compare(b, 0, b.length, at, at + b.length) === 0;

/**
 * Read what encodeAnalysis wrote (throws on anything else). With `reread` (chunk i → its bytes
 * again), authors' lines are not kept but read again when asked for (see AuthorTable).
 */
export function decodeAnalysis(
  chunks: readonly Uint8Array[],
  reread?: (chunk: number) => Promise<Uint8Array>,
): AnalysisData {
  const head = chunks[0] && layoutHead(chunks[0]);
  if (head) {
    if (chunks.length !== 1 + head.areaChunks + head.authorChunks)
      throw new Error('the saved analysis has lost chunks');
    const from = 1 + head.areaChunks;
    return decodeColumns(head, joinArea(chunks.slice(1, from)), (c) =>
      reread ? reread(from + c) : Promise.resolve(chunks[from + c] ?? new Uint8Array(0)),
    );
  }
  const decoder = analysisDecoder(reread);
  for (const [i, c] of chunks.entries()) decoder.add(c, i);
  return decoder.finish();
}

/** decodeAnalysis a chunk at a time: `add` each (i: its number), in order, then `finish`. */
function analysisDecoder(reread?: (chunk: number) => Promise<Uint8Array>): {
  add: (chunk: Uint8Array, i: number) => void;
  finish: () => AnalysisData;
} {
  let data: AnalysisData | undefined;
  const add = (c: Uint8Array, ci: number) => {
    const b = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    for (let start = 0, nl = b.indexOf(10); nl >= 0; start = nl + 1, nl = b.indexOf(10, start)) {
      if (!data) {
        const v = JSON.parse(b.toString('utf8', start, nl)) as unknown;
        const { mapLabels, ...head } = v as Omit<
          AnalysisData,
          'similar' | 'papers' | 'map' | 'authors' | 'communities'
        > & { mapLabels: MapLabelPosition[] };
        data = {
          ...head,
          similar: {},
          papers: new PaperTable(),
          map: { labels: mapLabels },
          authors: AuthorTable.lazy(reread),
          communities: [],
        };
        continue;
      }
      // Authors are most of a large analysis: indexed now, parsed when asked for.
      if (holds(b, start, AUTHOR_LINE, nl)) {
        data.authors.addLine(b, start, nl, ci);
        continue;
      }
      // Most papers name nothing: their line is recognised, not parsed (only its id is read).
      const idEnd = nl - NO_ENTITIES_END.length;
      if (holds(b, start, ENTITIES_LINE, nl) && holds(b, idEnd, NO_ENTITIES_END, nl)) {
        const id = JSON.parse(b.toString('utf8', start + ENTITIES_LINE.length, idEnd)) as unknown;
        if (typeof id !== 'string') throw new Error('an entities line without an id');
        data.papers.setNoEntities(id);
        continue;
      }
      const [kind, a, value] = JSON.parse(b.toString('utf8', start, nl)) as [
        string,
        unknown,
        unknown,
      ];
      if (kind === 'similar') data.similar[a as string] = value as SimilarPaper[];
      else if (kind === 'entities') data.papers.setEntities(a as string, value as Entities);
      else if (kind === 'assignments')
        data.papers.setAssignment(a as string, value as TopicAssignment);
      else if (kind === 'coords') {
        const [x, y] = value as [number, number];
        data.papers.setCoords(a as string, x, y);
      } else if (kind === 'communities')
        data.communities.push(a as AnalysisData['communities'][number]);
      else throw new Error(`unknown line kind ${kind}`);
    }
  };
  const finish = () => {
    if (!data) throw new Error('empty saved analysis');
    return data;
  };
  return { add, finish };
}

const STEPS = ['entities', 'similar papers', 'topics', 'map', 'authors'] as const;

export function computeAnalysis(
  docs: readonly SearchDoc[],
  texts: readonly string[],
  vectors: Float32Array,
  dim: number,
  authors: AuthorsResult,
  inputHash: string,
  onProgress?: (p: AnalysisProgress) => void,
  similarPrecomputeMax = SIMILAR_PRECOMPUTE_MAX,
): AnalysisData {
  const onDemand = docs.length > similarPrecomputeMax;
  const timings: Record<string, number> = {};
  let step = 0;
  const lap = <T>(name: (typeof STEPS)[number], fn: () => T): T => {
    const t0 = performance.now();
    const out = fn();
    timings[name] = Math.round(performance.now() - t0);
    step++;
    onProgress?.({ step: name, done: step, total: STEPS.length });
    return out;
  };
  const ids = docs.map((d) => d.id);
  const entities = lap('entities', () =>
    docs.map((d): [string, Entities] => [d.id, extractEntities(d)]),
  );
  // Large corpora: found on demand (similarPapers), as saving ten for every paper would cost
  // an hour of computing and a gigabyte of JSON at a million papers.
  const similar = lap('similar papers', () =>
    onDemand ? {} : Object.fromEntries(nearestPapers({ ids, texts, vectors, dim }, 10)),
  );
  const model = lap('topics', () =>
    buildTopics({
      ids,
      texts: [...texts],
      vectors,
      dim,
      authors: docs.map((d) => d.authors),
      titles: docs.map((d) => d.title),
    }),
  );
  const map = lap('map', () => {
    const { coords } = computeMap({ ids, vectors, dim });
    const labels: MapLabelPosition[] = [];
    for (const level of [1, 2] as const) {
      const topics = model.topics.filter((t) => t.level === level);
      // Built directly: spreading the assignments made two short-lived arrays a paper.
      const assign = new Map<string, string>();
      for (const [id, a] of model.assignments) assign.set(id, level === 1 ? a.broad : a.fine);
      const placed = labelPositions(
        coords,
        assign,
        new Map(topics.map((t) => [t.id, t.label])),
        DEFAULT_FRAME,
      );
      for (const p of placed)
        labels.push({ topicId: p.topicId, label: p.label, level, x: p.x, y: p.y, size: p.size });
    }
    return { coords, labels };
  });
  const authorData = lap('authors', () => ({
    authors: AuthorTable.of(
      authors.authors.map((a) => ({
        key: a.key,
        name: a.name,
        variants: a.variants,
        papers: a.papers,
        // The most frequent only: prolific authors of a large corpus have thousands, which made
        // the saved analysis of 100k papers 0.8 GB, 98 % of it co-author lists.
        coauthors: a.coauthors.slice(0, SAVED_COAUTHORS),
        community: a.community,
      })),
    ),
    communities: authors.communities.map((c) => ({ id: c.id, size: c.size, members: c.members })),
  }));
  return {
    version: ANALYSIS_VERSION,
    inputHash,
    builtAt: new Date().toISOString(),
    timings,
    similar,
    ...(onDemand ? { similarOnDemand: true } : {}),
    topics: model.topics,
    papers: PaperTable.of({ entities, assignments: model.assignments, coords: map.coords }),
    map: { labels: map.labels },
    authors: authorData.authors,
    communities: authorData.communities,
  };
}

/**
 * "More like these" over the analysed corpus (approximate above SIMILAR_PRECOMPUTE_MAX papers:
 * the first call waits for the on-demand index, see Analysis.approximate).
 */
export async function recommend(
  a: Analysis,
  positives: string[],
  negatives: string[] = [],
  k = 20,
): Promise<MoreLikeTheseResult> {
  if (a.data.similarOnDemand) return (await a.approximate()).moreLikeThese(positives, negatives, k);
  return moreLikeThese(a.similarInput, positives, negatives, k);
}

/**
 * The k papers most like an analysed paper, or null for an id the analysis does not hold. Saved
 * lists are answered at once; on demand, the first call waits for the index (Analysis.approximate).
 */
export async function similarPapers(
  a: Analysis,
  id: string,
  k = 10,
): Promise<SimilarPaper[] | null> {
  if (!a.data.similarOnDemand) return a.data.similar[id]?.slice(0, k) ?? null;
  const approx = await a.approximate();
  return approx.indexOf(id) === undefined ? null : approx.similarTo(id, k);
}

/** Authors ranked by how well their papers match a query (hybrid search relevance). */
export async function findExperts(a: Analysis, query: string, limit = 10): Promise<Expert[]> {
  const r = await a.index.search(query, { limit: 300, details: false });
  return expertsFor(new Map(r.hits.map((h) => [h.id, h.score])), a.authors, { limit });
}

/** Find an author by name or key: exact key first, then every name containing the words. */
export async function findAuthors(
  a: Analysis,
  name: string,
  limit = Infinity,
): Promise<{ authors: SavedAuthor[]; total: number }> {
  const exact = await a.data.authors.get(name);
  if (exact) return { authors: [exact], total: 1 };
  return a.data.authors.withWords(nameWords(name), limit);
}

/** The map drawn as SVG (and PNG), coloured by broad area, labelled at one level. */
export async function renderMap(
  a: Analysis,
  opts: { level?: 1 | 2; format: 'svg' | 'png'; width?: number; height?: number; title?: string },
): Promise<Uint8Array | string> {
  const level = opts.level ?? 1;
  const topics = a.data.topics.filter((t) => t.level === 1);
  const palette = qualitativePalette(topics.length);
  const colourOf = new Map(topics.map((t, i) => [t.id, palette[i] ?? '#777777']));
  const byId = new Map(a.docs.map((d) => [d.id, d]));
  const points = [...a.data.papers.coordEntries()].map(([id, [x, y]]) => ({
    x,
    y,
    color: colourOf.get(a.data.papers.assignment(id)?.broad ?? '') ?? '#bbbbbb',
    title: byId.get(id)?.title ?? '(untitled)',
  }));
  const labels = a.data.map.labels.filter((l) => l.level === level);
  const svg = renderMapSvg(points, labels, {
    width: opts.width ?? DEFAULT_FRAME.width,
    height: opts.height ?? DEFAULT_FRAME.height,
    title:
      opts.title ??
      `${a.docs.length} papers — map of their LSA vectors (UMAP), coloured by broad area`,
  });
  return opts.format === 'svg' ? svg : renderMapPng(svg);
}

/** Entities become search filters: datasets for `dataset:`, code links for `has:code`. */
function attachEntities(index: SearchIndex, docs: SearchDoc[], data: AnalysisData): void {
  const { papers } = data;
  const topicById = new Map(data.topics.map((t) => [t.id, t]));
  // One (frozen) topic list per fine topic, shared by its papers: not two objects a paper.
  const lists = new Map<string, { id: string; label: string }[]>();
  const topicsOf = (broad: string, fine: string) => {
    const key = `${broad}\u0000${fine}`;
    let l = lists.get(key);
    if (!l) {
      l = [broad, fine].flatMap((id) => {
        const t = topicById.get(id);
        return t ? [Object.freeze({ id: t.id, label: t.label })] : [];
      });
      lists.set(key, Object.freeze(l) as { id: string; label: string }[]);
    }
    return l;
  };
  const none = Object.freeze([]) as unknown as string[];
  docs.forEach((d, i) => {
    // A record the analysis skipped (the same paper in another corpus) takes its group's data.
    const rep = docs[index.duplicates.group[i] ?? i]?.id ?? d.id;
    const id = papers.hasEntities(d.id) ? d.id : rep;
    const names = papers.datasetNames(id);
    d.datasets = names.length ? (names as string[]) : none;
    const links = papers.codeLinks(id);
    d.codeLinks = links.length ? (links as string[]) : none;
    const a = papers.assignment(d.id) ?? papers.assignment(rep);
    d.topics = a ? topicsOf(a.broad, a.fine) : (none as unknown as SearchDoc['topics']);
  });
  index.datasetName = (value) => lookupDataset(value)?.name;
}
