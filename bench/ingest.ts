// Parse and ingest speed on the embedded ICLR 2020 listing: medians of several runs, MB/s.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CORPUS } from '../src/app/index.js';
import { parseListing } from '../src/ingest/listing.js';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { table, time, timeAsync } from './util.js';

export async function benchIngest(): Promise<string> {
  const text = readFileSync(DEFAULT_CORPUS.path, 'utf8');
  const mb = Buffer.byteLength(text) / 1e6;
  const records = parseListing(text, DEFAULT_CORPUS.label).records;
  const parse = time(() => parseListing(text, DEFAULT_CORPUS.label), 25, 5);

  const dir = mkdtempSync(join(tmpdir(), 'confscope-bench-'));
  let n = 0;
  const fresh = await timeAsync(async () => {
    const store = new SqliteStore(join(dir, `fresh-${n++}.db`));
    await store.replaceCorpus('iclr2020', parseListing(text, DEFAULT_CORPUS.label).records, meta);
    await store.close();
  });
  const store = new SqliteStore(join(dir, 'again.db'));
  await store.replaceCorpus('iclr2020', records, meta);
  const again = await timeAsync(async () => {
    await store.replaceCorpus('iclr2020', parseListing(text, DEFAULT_CORPUS.label).records, meta);
  });
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const row = (name: string, t: { median: number; p95: number }, target: string) => [
    name,
    t.median,
    t.p95,
    mb / (t.median / 1000),
    target,
  ];
  return [
    `## Parse and ingest (ICLR 2020 listing, ${records.length} records, ${mb.toFixed(2)} MB)`,
    '',
    table(
      ['operation', 'median ms', 'p95 ms', 'MB/s', 'target'],
      [
        row('parse', parse, '< 50 ms'),
        row('parse + ingest (new SQLite db)', fresh, '< 500 ms'),
        row('parse + re-ingest (unchanged)', again, ''),
      ],
    ),
  ].join('\n');
}

const meta = { sourcePath: DEFAULT_CORPUS.label, sourceHash: 'bench', warnings: [] };
