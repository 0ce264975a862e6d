// Parameter sweep for confscope's fusion on the quality set: prints MRR@10 and nDCG@10 per kind
// for each setting. A tool for choosing defaults by measurement, not part of `npm run bench`.

import { table } from '../util.js';
import { QUERY_KINDS, loadCorpus, loadEvalSet } from './evalset.js';
import { confscopeSystem } from './confscope.js';
import { evaluateSystem } from './run.js';
import type { SearchMode } from '../../src/index/search.js';

const records = loadCorpus();
const evalSet = loadEvalSet(records);
const rows: (string | number)[][] = [];
const grid: { mode: SearchMode; lexicalWeight?: number; feedbackWeight?: number }[] = [
  { mode: 'lexical' },
  { mode: 'semantic' },
  ...[0.2, 0.3, 0.4, 0.5, 0.6].flatMap((w) =>
    [0, 0.5, 1].map((f) => ({ mode: 'hybrid' as const, lexicalWeight: w, feedbackWeight: f })),
  ),
];
for (const g of grid) {
  const sys = confscopeSystem(g.mode, {
    fusion: { lexicalWeight: g.lexicalWeight, feedbackWeight: g.feedbackWeight },
  });
  const run = await evaluateSystem(sys, records, evalSet);
  const byKind = (k: string | null, metric: 'mrr' | 'ndcg') => {
    const qs = evalSet.queries.filter((q) => k === null || q.kind === k);
    let s = 0;
    for (const q of qs) s += run.scores.get(q.qid)?.[metric] ?? 0;
    return qs.length ? s / qs.length : 0;
  };
  rows.push([
    `${g.mode} w=${g.lexicalWeight ?? '-'} fb=${g.feedbackWeight ?? '-'}`,
    ...QUERY_KINDS.map((k) => byKind(k, 'mrr')),
    byKind(null, 'mrr'),
    ...QUERY_KINDS.map((k) => byKind(k, 'ndcg')),
  ]);
}
console.log(
  table(
    [
      'setting',
      ...QUERY_KINDS.map((k) => `MRR ${k}`),
      'MRR all',
      ...QUERY_KINDS.map((k) => `nDCG ${k}`),
    ],
    rows,
  ),
);
