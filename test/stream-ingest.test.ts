import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, learnModel } from '../bench/gen-corpus.js';
import { ingestJsonlStream, shouldStream } from '../src/app/stream-ingest.js';
import { loadOrFitLsa } from '../src/app/embeddings.js';
import { LsaModel } from '../src/index/lsa.js';
import { SearchIndex } from '../src/index/search.js';
import { parseArxivJsonl } from '../src/ingest/arxiv.js';
import { SqliteStore } from '../src/store/sqlite/index.js';
import type { PaperRecord } from '../src/core/types.js';

const bin = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const runCli = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'confscope-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines: string[] = [];
generate(learnModel(), { papers: 1200, seed: 9 }, (l) => lines.push(l));
// A repeated record, a namesake (same title, other content) in a later batch, and a bad line.
const first = JSON.parse(lines[0] ?? '{}') as { title: string; abstract: string; id: string };
lines.push(lines[0] ?? '');
lines.push(
  JSON.stringify({ ...first, id: '9999.00001', abstract: `${first.abstract} More.` }) + '\n',
);
lines.push('{not json\n');
const text = lines.join('');
const file = join(dir, 'papers.jsonl');
writeFileSync(file, text);
const whole = parseArxivJsonl(text, file);

/**
 * Records as compared with a whole-file parse: a namesake in another batch gets the same id
 * and a warning worded by line instead of record number.
 */
const comparable = (records: readonly PaperRecord[]) =>
  records.map((r) => ({
    ...r,
    // ALL-CAPS titles get their case back from the acronyms of their batch (not of the file).
    title: r.warnings.some((w) => w.includes('ALL CAPS')) ? r.title?.toLowerCase() : r.title,
    warnings: r.warnings.map((w) =>
      w.replace(
        /record \d+ has the same title as record \d+|the record has the same title as the one of line \d+/,
        'NAMESAKE',
      ),
    ),
  }));

describe('streaming ingest of arXiv JSON Lines', () => {
  it('stores the same records as a whole-file parse, in batches, with progress', async () => {
    const store = new SqliteStore(join(dir, 'a.db'));
    const progress: number[] = [];
    const r = await ingestJsonlStream(store, file, 'big', {
      batchSize: 250,
      parseBatchLines: 250,
      onProgress: (p) => progress.push(p.done / p.total),
    });
    expect(r.summary).toMatchObject({ total: 1201, added: 1201, removed: 0 });
    expect(r.resumedAfter).toBe(0);
    expect(r.warningCount).toBe(2); // the repeat and the bad line
    expect(comparable(await store.listPapers('big'))).toEqual(comparable(whole.records));
    expect(progress.at(-1)).toBe(1);
    // Again, with other store transactions: nothing changes.
    const again = await ingestJsonlStream(store, file, 'big', {
      batchSize: 400,
      parseBatchLines: 250,
    });
    expect(again.summary).toMatchObject({ unchanged: 1201, added: 0, updated: 0 });
    await store.close();
  });

  it('resumes after a kill: what was staged is kept and not parsed into the store again', async () => {
    const path = join(dir, 'b.db');
    const store = new SqliteStore(path);
    let appended = 0;
    const dying = Object.assign(Object.create(store) as SqliteStore, {
      appendStaged: async (corpus: string, recs: readonly PaperRecord[]) => {
        if (appended >= 2) throw new Error('killed');
        appended++;
        await store.appendStaged(corpus, recs);
      },
    });
    await expect(
      ingestJsonlStream(dying, file, 'big', { batchSize: 300, parseBatchLines: 200 }),
    ).rejects.toThrow('killed');
    expect(await store.listPapers()).toEqual([]);
    await store.close();
    const reopened = new SqliteStore(path);
    const r = await ingestJsonlStream(reopened, file, 'big', {
      batchSize: 300,
      parseBatchLines: 200,
    });
    expect(r.resumedAfter).toBe(600);
    expect(r.summary.added).toBe(1201);
    expect(comparable(await reopened.listPapers('big'))).toEqual(comparable(whole.records));
    await reopened.close();
  });

  it('refuses a file that is not JSON Lines without touching the database', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '# not json\n\nplain text\n');
    const store = new SqliteStore(join(dir, 'c.db'));
    await expect(ingestJsonlStream(store, bad, 'x')).rejects.toThrow(/not arXiv JSON Lines/);
    expect(store.db.prepare('SELECT count(*) AS n FROM staged_ingests').get()).toEqual({ n: 0 });
    await store.close();
    expect(shouldStream(file, undefined)).toBe(false); // small: the regular path
    expect(shouldStream(file, undefined, true)).toBe(true);
    expect(shouldStream(bad, undefined, true)).toBe(false);
  });

  it('`confscope ingest --stream` prints a summary and stores the corpus', () => {
    const db = join(dir, 'cli.db');
    const r = runCli(['ingest', file, '--stream', '--db', db, '--corpus', 'syn']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/ingested 1,?201 records into corpus "syn" .* as a stream/);
    const out = runCli(['corpora', '--db', db, '--format', 'json']);
    expect(JSON.parse(out.stdout)).toMatchObject([{ name: 'syn', papers: 1201 }]);
  });
});

describe('LSA at scale: fitted on a sample, applied to every paper in saved batches', () => {
  it('fits on a stride sample, saves model and vectors, and reuses them', async () => {
    const store = new SqliteStore(join(dir, 'lsa.db'));
    const texts = whole.records.map((r) => SearchIndex.semanticText(r));
    const progress: number[] = [];
    const opts = {
      sampleAbove: 1000,
      sampleSize: 400,
      onProgress: (p: { done: number }) => progress.push(p.done),
    };
    const first = await loadOrFitLsa(store, texts, opts);
    expect(first.fitted).toBe(true);
    // Not the model of a fit on every text.
    expect(first.model.id).not.toBe(LsaModel.idFor(texts));
    expect(first.vectors.length).toBe(texts.length * first.model.dim);
    expect(progress.at(-1)).toBe(new Set(texts).size);
    const norm = (i: number) =>
      Math.hypot(...first.vectors.subarray(i * first.model.dim, (i + 1) * first.model.dim));
    expect(norm(0)).toBeCloseTo(1, 4);
    expect(norm(texts.length - 1)).toBeCloseTo(1, 4);
    const again = await loadOrFitLsa(store, texts, opts);
    expect(again.fitted).toBe(false);
    expect(again.model.id).toBe(first.model.id);
    expect(again.vectors).toEqual(first.vectors);
    await store.close();
  });
});
