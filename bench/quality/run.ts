// The search-quality benchmark: every system (the peer engines plus any passed in) answers
// every query of the hand-judged set; the report is markdown, one table per metric with the
// query kinds as columns, then build and query times. Optionally writes TREC run files.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PaperRecord } from '../../src/core/types.js';
import { quantile, table } from '../util.js';
import { QUERY_KINDS, loadCorpus, loadEvalSet, type EvalSet, type QueryKind } from './evalset.js';
import { mean, scoreQuery, type QueryScores } from './metrics.js';
import { peerSystems, type SearchSystem } from './systems.js';

/** Metric cut-off. */
export const K = 10;
/** How many results are asked for (kept in TREC run files; metrics look at the top K). */
export const DEPTH = 100;
const BUILD_RUNS = 3;

/**
 * The grade MRR and Recall count as relevant. Known-item queries look for their target
 * (grade 2), not the close second some have at grade 1; the other kinds count every judged
 * paper. nDCG always uses all grades.
 */
export function relevantGrade(kind: QueryKind): number {
  return kind === 'known' || kind === 'paraphrase' ? 2 : 1;
}

export interface SystemRun {
  name: string;
  settings: string | undefined;
  /** Median build time over BUILD_RUNS fresh builds, ms. */
  buildMs: number;
  queryMedianMs: number;
  queryP95Ms: number;
  results: Map<string, string[]>;
  scores: Map<string, QueryScores>;
  /** qid → error message, for queries on which the engine threw (scored as no results). */
  errors: Map<string, string>;
}

export async function evaluateSystem(
  system: SearchSystem,
  records: PaperRecord[],
  evalSet: EvalSet,
): Promise<SystemRun> {
  const builds: number[] = [];
  for (let i = 0; i < BUILD_RUNS; i++) {
    const t0 = performance.now();
    await system.build(records);
    builds.push(performance.now() - t0);
  }
  builds.sort((a, b) => a - b);

  const ids = new Set(records.map((r) => r.id));
  const results = new Map<string, string[]>();
  const scores = new Map<string, QueryScores>();
  const errors = new Map<string, string>();
  const times: number[] = [];
  for (const pass of ['warm-up', 'timed'] as const) {
    for (const q of evalSet.queries) {
      const t0 = performance.now();
      let ranking: string[];
      try {
        ranking = await system.search(q.query, DEPTH);
      } catch (e) {
        ranking = [];
        errors.set(q.qid, e instanceof Error ? e.message : String(e));
      }
      const ms = performance.now() - t0;
      if (pass === 'warm-up') continue;
      times.push(ms);
      const unknown = ranking.find((id) => !ids.has(id));
      if (unknown !== undefined) {
        throw new Error(`${system.name}: ${q.qid} returned "${unknown}", which is no paper id`);
      }
      results.set(q.qid, ranking);
      scores.set(
        q.qid,
        scoreQuery(ranking, evalSet.qrels.get(q.qid) ?? new Map(), K, relevantGrade(q.kind)),
      );
    }
  }
  await system.close?.();
  times.sort((a, b) => a - b);
  return {
    name: system.name,
    settings: system.settings,
    buildMs: quantile(builds, 0.5),
    queryMedianMs: quantile(times, 0.5),
    queryP95Ms: quantile(times, 0.95),
    results,
    scores,
    errors,
  };
}

/** `qid Q0 paperId rank score tag` lines; the score falls with the rank so trec_eval keeps the order. */
export function toTrecRun(results: Map<string, string[]>, tag: string): string {
  if (!/^\S+$/.test(tag)) throw new Error(`a TREC run tag must be one word, got "${tag}"`);
  const lines: string[] = [];
  for (const [qid, ranking] of results) {
    ranking.forEach((id, i) => lines.push(`${qid} Q0 ${id} ${i + 1} ${ranking.length - i} ${tag}`));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** The judgements as a TREC qrels file (`qid 0 paperId grade`), for trec_eval with the runs. */
export function toTrecQrels(qrels: Map<string, Map<string, number>>): string {
  const lines: string[] = [];
  for (const [qid, judged] of qrels)
    for (const [id, g] of judged) lines.push(`${qid} 0 ${id} ${g}`);
  return lines.join('\n') + '\n';
}

function runTag(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

const METRICS: { key: keyof QueryScores; title: string }[] = [
  { key: 'mrr', title: `MRR@${K}` },
  { key: 'ndcg', title: `nDCG@${K}` },
  { key: 'recall', title: `Recall@${K}` },
];

export function report(runs: SystemRun[], evalSet: EvalSet, records: PaperRecord[]): string {
  const groups: { label: string; qids: string[] }[] = [
    ...QUERY_KINDS.map((kind) => {
      const qids = evalSet.queries.filter((q) => q.kind === kind).map((q) => q.qid);
      return { label: `${kind} (${qids.length})`, qids };
    }),
    { label: `all (${evalSet.queries.length})`, qids: evalSet.queries.map((q) => q.qid) },
  ];
  const out: string[] = [];
  const judgements = [...evalSet.qrels.values()].reduce((n, m) => n + m.size, 0);
  out.push(
    `## Search quality — ${records.length} papers, ${evalSet.queries.length} queries, ${judgements} judgements`,
    '',
    `Means over the queries of each kind. MRR and Recall count grade 2 as relevant for known and ` +
      `paraphrase queries (the target paper) and grades 1–2 for topical and filter queries; nDCG ` +
      `uses gain 2^grade − 1 with the ideal ranking built from every judged paper.`,
  );
  for (const m of METRICS) {
    out.push('', `### ${m.title}`, '');
    out.push(
      table(
        ['system', ...groups.map((g) => g.label)],
        runs.map((r) => [
          r.name,
          ...groups.map((g) =>
            mean(g.qids.map((qid) => r.scores.get(qid)?.[m.key] ?? 0)).toFixed(3),
          ),
        ]),
      ),
    );
  }
  out.push('', '### Build and query time', '');
  out.push(
    table(
      [
        'system',
        `build ms (median of ${BUILD_RUNS})`,
        'query ms median',
        'query ms p95',
        'queries that threw',
      ],
      runs.map((r) => [r.name, r.buildMs, r.queryMedianMs, r.queryP95Ms, String(r.errors.size)]),
    ),
  );

  const failedByAll = evalSet.queries.filter((q) =>
    runs.every((r) => (r.scores.get(q.qid)?.recall ?? 0) === 0),
  );
  out.push('', `### Queries no system answers (no relevant paper in any top ${K})`, '');
  if (failedByAll.length === 0) out.push('None.');
  for (const q of failedByAll) out.push(`- ${q.qid} (${q.kind}): \`${q.query}\``);

  out.push('', '### Settings', '');
  for (const r of runs) out.push(`- **${r.name}**: ${r.settings ?? '(not described)'}`);
  const errors = runs.flatMap((r) =>
    [...r.errors].map(([qid, msg]) => `- ${r.name} ${qid}: ${msg}`),
  );
  if (errors.length) out.push('', '### Errors', '', ...errors);
  return out.join('\n') + '\n';
}

export interface QualityOptions {
  /** Write `<system>.run` TREC run files and `qrels.txt` into this directory. */
  trecDir?: string;
}

export async function runQuality(
  extra: SearchSystem[] = [],
  options: QualityOptions = {},
): Promise<string> {
  const records = loadCorpus();
  const evalSet = loadEvalSet(records);
  const runs: SystemRun[] = [];
  for (const system of [...peerSystems(), ...extra]) {
    runs.push(await evaluateSystem(system, records, evalSet));
  }
  if (options.trecDir) {
    mkdirSync(options.trecDir, { recursive: true });
    writeFileSync(join(options.trecDir, 'qrels.txt'), toTrecQrels(evalSet.qrels));
    for (const r of runs) {
      writeFileSync(
        join(options.trecDir, `${runTag(r.name)}.run`),
        toTrecRun(r.results, runTag(r.name)),
      );
    }
  }
  return report(runs, evalSet, records);
}
