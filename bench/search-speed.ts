// Search latency on the ICLR corpus: every query of the quality set, limit 10, after a warm-up
// pass; confscope with snippets and explanations (what the CLI and API return), the peers with
// ids only. Index build times in the same run.

import { loadCorpus, loadEvalSet } from './quality/evalset.js';
import { peerSystems, type SearchSystem } from './quality/systems.js';
import { SearchIndex, type SearchMode } from '../src/index/search.js';
import { quantile, table } from './util.js';

const PASSES = 3;

async function timeQueries(search: (q: string) => Promise<unknown>, queries: string[]) {
  for (const q of queries) await search(q);
  const t: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    for (const q of queries) {
      const t0 = performance.now();
      await search(q);
      t.push(performance.now() - t0);
    }
  }
  t.sort((a, b) => a - b);
  return { p50: quantile(t, 0.5), p95: quantile(t, 0.95) };
}

export async function benchSearchSpeed(): Promise<string> {
  const records = loadCorpus();
  const queries = loadEvalSet(records).queries.map((q) => q.query);
  const rows: (string | number)[][] = [];

  const docs = records.map((r) => ({ ...r, corpus: 'iclr2020' }));
  const builds: number[] = [];
  let index: SearchIndex | undefined;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    index = SearchIndex.build(docs);
    builds.push(performance.now() - t0);
  }
  builds.sort((a, b) => a - b);
  const idx = index as SearchIndex;
  const targets: Record<SearchMode, string> = {
    lexical: 'p50 < 1 ms',
    semantic: '',
    hybrid: 'p50 < 15 ms',
  };
  for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
    const t = await timeQueries((q) => idx.search(q, { mode, limit: 10 }), queries);
    rows.push([`confscope ${mode}`, quantile(builds, 0.5), t.p50, t.p95, targets[mode]]);
  }
  const peers: SearchSystem[] = peerSystems();
  for (const p of peers) {
    const t0 = performance.now();
    await p.build(records);
    const build = performance.now() - t0;
    const t = await timeQueries(async (q) => p.search(q, 10), queries);
    rows.push([p.name, build, t.p50, t.p95, '']);
    await p.close?.();
  }
  return [
    `## Search latency (ICLR 2020, ${records.length} papers, ${queries.length} queries × ${PASSES}, limit 10)`,
    '',
    'confscope build = BM25F index + LSA fit (median of 3); its query times include snippets, highlights and explanations; hybrid includes embedding the query.',
    '',
    table(['system', 'build ms', 'query p50 ms', 'query p95 ms', 'target'], rows),
  ].join('\n');
}
