// Time and memory to compute the whole analysis (entities, similar papers, topics, map,
// authors) on the ICLR corpus; LSA (embeddings) excluded, as the target says.

import { buildAuthors } from '../src/analysis/authors.js';
import { computeAnalysis } from '../src/app/analysis.js';
import { LsaModel } from '../src/index/lsa.js';
import { SearchIndex } from '../src/index/search.js';
import { loadCorpus } from './quality/evalset.js';
import { quantile, table } from './util.js';

export function benchAnalysis(runs = 3): string {
  const docs = loadCorpus().map((r) => ({ ...r, corpus: 'iclr2020' }));
  const texts = docs.map((d) => SearchIndex.semanticText(d));
  const { model, vectors } = LsaModel.fitWithVectors(texts);
  const steps = new Map<string, number[]>();
  const totals: number[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    const data = computeAnalysis(docs, texts, vectors, model.dim, buildAuthors(docs), 'bench');
    totals.push(performance.now() - t0);
    peak = Math.max(peak, process.memoryUsage().rss - before);
    for (const [k, v] of Object.entries(data.timings)) steps.set(k, [...(steps.get(k) ?? []), v]);
  }
  const med = (xs: number[]) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );
  const rows: (string | number)[][] = [...steps].map(([k, v]) => [k, med(v)]);
  rows.push(['total', med(totals)]);
  return [
    `## Analysis (ICLR 2020, ${docs.length} papers; median of ${runs} runs; LSA excluded; target: under 60 s in all)`,
    '',
    table(['step', 'median ms'], rows),
    '',
    `RSS growth during the runs: ${(peak / 1e6).toFixed(0)} MB; heap in use after: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB.`,
  ].join('\n');
}
