// USE lite embedding speed on the ICLR 2020 abstracts: throughput on the first 64 abstracts
// (after a warm-up that also starts every worker) and single short-query latency.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DEFAULT_CORPUS } from '../src/app/index.js';
import { createUseEmbedder, type UseEmbedderOptions } from '../src/index/embed/use.js';
import { parseListing } from '../src/ingest/listing.js';
import { table, timeAsync } from './util.js';

const QUERY = 'graph neural networks for molecules';

export async function benchUse(
  configs: UseEmbedderOptions[] = [{}, { workers: 0 }],
): Promise<string> {
  const text = readFileSync(DEFAULT_CORPUS.path, 'utf8');
  const abstracts = parseListing(text, DEFAULT_CORPUS.label)
    .records.slice(0, 64)
    .map((r) => r.abstract);
  const rows: (string | number)[][] = [];
  for (const opts of configs) {
    const load0 = performance.now();
    const use = await createUseEmbedder(opts);
    const load = performance.now() - load0;
    try {
      await use.embed(abstracts.slice(0, 32)); // warm-up: starts the workers, compiles kernels
      const run = await timeAsync(
        async () => {
          await use.embed(abstracts);
        },
        3,
        0,
      );
      const query = await timeAsync(
        async () => {
          await use.embed([QUERY]);
        },
        20,
        3,
      );
      const workers = opts.workers ?? Math.min(4, availableParallelism());
      rows.push([
        workers === 0 ? 'calling thread' : `${workers} worker threads`,
        String(opts.batchSize ?? 16),
        abstracts.length / (run.median / 1000),
        load,
        query.median,
        query.p95,
      ]);
    } finally {
      await use.close();
    }
  }
  return [
    `## USE lite embeddings (first ${abstracts.length} ICLR 2020 abstracts, ${availableParallelism()} cores)`,
    '',
    table(
      ['model runs on', 'batch', 'abstracts/s', 'load ms', 'query p50 ms', 'query p95 ms'],
      rows,
    ),
  ].join('\n');
}
