// Parameter sweep for the PostgreSQL full-text peer on the quality set: ts_rank_cd weights and
// normalization, MRR@10 and nDCG@10 per query kind. A tool for choosing the defaults in
// src/store/postgres (DEFAULT_TEXT_WEIGHTS, DEFAULT_TEXT_NORMALIZATION), not part of
// `npm run bench`. Run: `npm run build && node dist/bench/quality/tune-pg.js`.

import { PostgresStore } from '../../src/store/postgres/index.js';
import { benchPgServer, createDatabase, stopBenchPgServer } from '../pg-cluster.js';
import { table } from '../util.js';
import { QUERY_KINDS, loadCorpus, loadEvalSet } from './evalset.js';
import { mean, scoreQuery } from './metrics.js';
import { K, relevantGrade } from './run.js';

const records = loadCorpus();
const evalSet = loadEvalSet(records);
const db = await createDatabase(await benchPgServer(), 'confscope_tune_pg');
const store = await PostgresStore.open(db.url);
await store.replaceCorpus('iclr2020', records, { sourcePath: 'x', sourceHash: 'x', warnings: [] });

type W = [number, number, number, number];
const weightSets: W[] = [
  [0.1, 0.2, 0.4, 1],
  [0.33, 0.5, 0.67, 1],
  [0.5, 0.5, 0.5, 1],
  [0.67, 0.67, 0.67, 1],
  [0.8, 0.8, 0.8, 1],
  [0.8, 0.9, 0.9, 1],
  [0.9, 0.9, 0.9, 1],
  [1, 1, 1, 1],
];
// Normalization bits: 0 none, 1 divide by 1 + log(length), 2 by length, 4 by the mean
// harmonic distance between extents (ts_rank_cd only), 8 by unique words, 16 by 1 + log(unique).
const norms = [0, 1];
const rows: (string | number)[][] = [];
for (const ranking of ['rank_cd', 'rank'] as const)
  for (const weights of weightSets) {
    for (const normalization of norms) {
      const mrr: Record<string, number[]> = {};
      const ndcg: Record<string, number[]> = {};
      for (const q of evalSet.queries) {
        const hits = await store.searchText(q.query, {
          match: 'any',
          limit: K,
          weights,
          normalization,
          ranking,
        });
        const s = scoreQuery(
          hits.map((h) => h.id),
          evalSet.qrels.get(q.qid) ?? new Map(),
          K,
          relevantGrade(q.kind),
        );
        (mrr[q.kind] ??= []).push(s.mrr);
        (ndcg[q.kind] ??= []).push(s.ndcg);
        (mrr['all'] ??= []).push(s.mrr);
        (ndcg['all'] ??= []).push(s.ndcg);
      }
      rows.push([
        `${ranking} {${weights.join(',')}} n=${normalization}`,
        ...QUERY_KINDS.map((k) => mean(mrr[k] ?? [])),
        mean(mrr['all'] ?? []),
        mean(ndcg['all'] ?? []),
      ]);
    }
  }
console.log(table(['setting', ...QUERY_KINDS.map((k) => `MRR ${k}`), 'MRR all', 'nDCG all'], rows));
await store.close();
await db.drop();
await stopBenchPgServer();
