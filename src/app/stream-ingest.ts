// Streaming ingest of large arXiv-style JSON Lines files: the file is read line by line and
// parsed in batches, each batch appended to the store's staging area in its own transaction,
// and the corpus swapped in atomically at the end (readers never see half a corpus). Memory
// stays flat except for one small map of the ids seen (to keep ids unique across batches). A
// killed run resumes: the same file (same hash) continues after the records already staged.

import { createHash } from 'node:crypto';
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfscopeError, isConfscopeError } from '../core/errors.js';
import type { PaperRecord } from '../core/types.js';
import { ArxivJsonlParser } from '../ingest/arxiv.js';
import { detectFormat, type InputFormat } from '../ingest/index.js';
import type { IngestSummary, StagedIngest, Store } from '../store/types.js';

/** Files larger than this are ingested as a stream (when their format allows it). */
export const STREAM_MIN_BYTES = 64 * 1024 * 1024;

export const DEFAULT_STREAM_BATCH = 5000;

/** Formats that can be read as a stream of records (one record a line). */
const STREAMABLE: readonly InputFormat[] = ['arxiv-jsonl'];

/** Should this file be ingested as a stream? Large (or `force`) and arXiv JSON Lines. */
export function shouldStream(
  path: string,
  format: InputFormat | undefined,
  force = false,
): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false; // the regular path reports a missing file
  }
  if (!force && size < STREAM_MIN_BYTES) return false;
  if (format !== undefined) return STREAMABLE.includes(format);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 65536));
    readSync(fd, head, 0, head.length, 0);
    return STREAMABLE.includes(detectFormat(head.toString('utf8')));
  } finally {
    closeSync(fd);
  }
}

export interface StreamProgress {
  /** Bytes of the file. */
  total: number;
  /** Bytes read so far. */
  done: number;
  /** Records parsed so far (including those skipped because a killed run had staged them). */
  records: number;
}

export interface StreamIngestResult {
  summary: IngestSummary;
  /** Records a previous, killed run had staged (not parsed into the store again). */
  resumedAfter: number;
  /** File-level warnings (bad lines, repeated records); at most `maxWarnings` kept. */
  warnings: string[];
  /** Warnings counted in all, including those not kept. */
  warningCount: number;
  /** Records carrying warnings of their own. */
  recordsWithWarnings: number;
  sourceHash: string;
}

/** SHA-256 of a file, read as a stream. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
    h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A cheap 24-bit fingerprint of what a record says (to tell repeats from namesakes). */
function fingerprint(r: PaperRecord): number {
  let h = 0x811c9dc5;
  const s = `${r.title ?? ''}\u0000${r.authors.join('\u0001')}\u0000${r.abstract}\u0000${r.externalIds?.arxiv ?? ''}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 0xffffff;
}

/** Fingerprint and line of a record seen, packed in one number (lines up to 2^29). */
const LINE_BITS = 2 ** 29;

/**
 * Ingest an arXiv JSON Lines file as corpus `corpus` through the store's staged ingest.
 * Records get the ids a whole-file parse gives, except that ALL-CAPS titles are restored with
 * the acronyms of their batch and a title repeated in different batches gets its `-2` in file
 * order (the same as a whole-file parse for every file without such repeats).
 */
export async function ingestJsonlStream(
  store: Store & StagedIngest,
  path: string,
  corpus: string,
  opts: {
    label?: string;
    /** Records a store transaction appends (default 5000). */
    batchSize?: number;
    /**
     * Lines parsed together (default 5000). ALL-CAPS titles get their case back from the
     * acronyms of their parse batch, so records depend on this, not on `batchSize`: keep it
     * fixed for a file to re-ingest it unchanged.
     */
    parseBatchLines?: number;
    maxWarnings?: number;
    onProgress?: (p: StreamProgress) => void;
  } = {},
): Promise<StreamIngestResult> {
  const label = opts.label ?? path;
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_STREAM_BATCH);
  const parseLines = Math.max(1, opts.parseBatchLines ?? DEFAULT_STREAM_BATCH);
  const maxWarnings = opts.maxWarnings ?? 1000;
  const total = statSync(path).size;
  const sourceHash = await hashFile(path);

  const warnings: string[] = [];
  let warningCount = 0;
  const warn = (w: string) => {
    warningCount++;
    if (warnings.length < maxWarnings) warnings.push(w);
  };
  let recordsWithWarnings = 0;
  // id -> fingerprint × 2^29 + line: the one map that grows with the file (~100 B a record).
  const seen = new Map<string, number>();
  const nextSuffix = new Map<string, number>();
  let ord = 0;
  let resumedAfter = -1;
  let pending: PaperRecord[] = [];

  const flushPending = async () => {
    if (pending.length === 0) return;
    const out = pending;
    pending = [];
    await store.appendStaged(corpus, out);
  };

  // Assign cross-batch ids and queue what was not staged by a killed run.
  const accept = async (records: readonly PaperRecord[]) => {
    if (records.length === 0) return;
    // The database is touched only once the file has given a record.
    if (resumedAfter < 0) resumedAfter = await store.beginStaged(corpus, sourceHash);
    for (const r of records) {
      const fp = fingerprint(r);
      const base = r.id;
      const twin = seen.get(base);
      if (twin !== undefined) {
        const twinLine = twin % LINE_BITS;
        if (Math.floor(twin / LINE_BITS) === fp) {
          warn(
            `${label}:${r.source.startLine}: the record repeats the one of line ${twinLine}; kept once`,
          );
          continue;
        }
        const stem = base.replace(/-\d+$/, '');
        let n = nextSuffix.get(stem) ?? 2;
        while (seen.has(`${stem}-${n}`)) n++;
        nextSuffix.set(stem, n + 1);
        r.id = `${stem}-${n}`;
        // The batch's own parse may have named it `-2` already: that warning is replaced.
        r.warnings = r.warnings.filter((w) => !w.endsWith(`kept as ${base}`));
        r.warnings.push(
          `${label}:${r.source.startLine}: the record has the same title as the one of line ${twinLine} but different content; kept as ${r.id}`,
        );
      }
      seen.set(r.id, fp * LINE_BITS + (r.source.startLine % LINE_BITS));
      if (r.warnings.length) recordsWithWarnings++;
      if (ord++ < resumedAfter) continue;
      pending.push(r);
      if (pending.length >= batchSize) await flushPending();
    }
  };

  let parser = new ArxivJsonlParser(label);
  let inBatch = 0;
  const state = { anyRecord: false };
  const finishBatch = async () => {
    if (inBatch === 0) return;
    let records: PaperRecord[] = [];
    try {
      const r = parser.finish();
      records = r.records;
      for (const w of r.warnings) warn(w);
    } catch (e) {
      // A batch of only bad or blank lines: its warnings stand; a file with no record at all is
      // refused below, as the whole-file parse refuses it.
      if (!isConfscopeError(e)) throw e;
      for (const w of parser.warnings) warn(w);
    }
    parser = new ArxivJsonlParser(label, parser.recordCount);
    inBatch = 0;
    if (records.length) state.anyRecord = true;
    await accept(records);
  };

  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let no = 0;
  let lastReport = 0;
  for await (const line of lines) {
    no++;
    parser.line(no === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line, no);
    if (++inBatch >= parseLines) {
      await finishBatch();
      if (!state.anyRecord) {
        throw new ConfscopeError(
          'NOT_A_LISTING',
          `${warnings[0]?.replace(/; line skipped$/, '') ?? `${label}:1`}: not arXiv JSON Lines (no record in the first ${no} lines)`,
        );
      }
    }
    if (opts.onProgress && no - lastReport >= 1000) {
      lastReport = no;
      opts.onProgress({ total, done: stream.bytesRead, records: ord });
    }
  }
  await finishBatch();
  if (!state.anyRecord) {
    throw new ConfscopeError(
      warnings.length ? 'NOT_A_LISTING' : 'EMPTY_INPUT',
      warnings.length
        ? `${warnings[0]?.replace(/; line skipped$/, '') ?? label}: not arXiv JSON Lines (no line holds a JSON object)`
        : `${label}: no records (the file has only blank lines)`,
    );
  }
  await flushPending();
  opts.onProgress?.({ total, done: total, records: ord });
  const summary = await store.commitStaged(corpus, { sourcePath: label, sourceHash, warnings });
  return {
    summary,
    resumedAfter: Math.max(0, resumedAfter),
    warnings,
    warningCount,
    recordsWithWarnings,
    sourceHash,
  };
}
