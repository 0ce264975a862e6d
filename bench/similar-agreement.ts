// How well do our similar-paper lists agree with the ICLR 2020 virtual site's own
// recommendations (4 papers for each paper)? bench/data/virtual-site-recs.json holds their
// lists by title (reduced from the site's paper_recs.json and papers.json). We report, for
// every mix of LSA and tf-idf cosine, the share of their 4 that are in our top 4 and in our top
// 10, and side-by-side lists for 5 papers. Their list is another system's opinion, not ground
// truth: agreement says our lists are not eccentric, docs/similar-papers.md judges who is right.
//
// Run: `npm run build && node dist/bench/similar-agreement.js`.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadCorpus } from './quality/evalset.js';
import { table } from './util.js';
import {
  DEFAULT_SEMANTIC_WEIGHT,
  SimilarityIndex,
  type SimilarInput,
} from '../src/analysis/similar.js';
import type { PaperRecord } from '../src/core/types.js';
import { normalizeKey } from '../src/ingest/text.js';
import { LsaModel } from '../src/index/lsa.js';
import { SearchIndex } from '../src/index/search.js';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = [join(here, 'data'), join(here, '../../bench/data')]
  .map((d) => join(d, 'virtual-site-recs.json'))
  .find((p) => existsSync(p));

/**
 * Papers shown side by side: the lottery-ticket paper (a clear case), then the four papers with
 * the smallest ids, an arbitrary sample nobody picked for looking good.
 */
export const SIDE_BY_SIDE = [
  'Playing the lottery with rewards and multiple languages: lottery tickets in RL and NLP',
  'Mixout: Effective Regularization to Finetune Large-scale Pretrained Language Models',
  'Biologically inspired sleep algorithm for increased generalization and adversarial robustness in deep neural networks',
  'Reinforced Genetic Algorithm Learning for Optimizing Computation Graphs',
  'Unsupervised Clustering using Pseudo-semi-supervised Learning',
];

interface VirtualRecs {
  recommendations: Record<string, string[]>;
  /** For their titles that differ from the listing's: the normalised start of the abstract. */
  abstractKeys: Record<string, string>;
}

/** Their recommendations as paper ids of our corpus: paper id → 4 ids. */
export function loadVirtualRecs(records: readonly PaperRecord[]): Map<string, string[]> {
  if (!DATA) throw new Error('bench/data/virtual-site-recs.json not found');
  const data = JSON.parse(readFileSync(DATA, 'utf8')) as VirtualRecs;
  const byTitle = new Map<string, string>();
  const byAbstract = new Map<string, string>();
  for (const r of records) {
    if (r.title) byTitle.set(normalizeKey(r.title), r.id);
    byAbstract.set(normalizeKey(r.abstract).slice(0, 60), r.id);
  }
  const resolve = (title: string): string => {
    const id =
      byTitle.get(normalizeKey(title)) ?? byAbstract.get(data.abstractKeys[title] ?? '\u0000');
    if (id === undefined) throw new Error(`virtual-site-recs.json: no paper titled "${title}"`);
    return id;
  };
  const out = new Map<string, string[]>();
  for (const [title, recs] of Object.entries(data.recommendations))
    out.set(resolve(title), recs.map(resolve));
  return out;
}

export interface Agreement {
  semanticWeight: number;
  /** Mean share of their 4 among our top 4. */
  at4: number;
  /** Mean share of their 4 among our top 10. */
  in10: number;
  /** Standard errors of the two means. */
  se4: number;
  se10: number;
}

const WEIGHTS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** Agreement of our lists with theirs for each semantic weight. */
export function agreementSweep(
  idx: SimilarityIndex,
  theirs: ReadonlyMap<string, string[]>,
  weights: readonly number[] = WEIGHTS,
): Agreement[] {
  const rows = idx.ids.map((_, i) => {
    const r = idx.row(i, 0);
    return { sem: r.sem, lex: r.lex };
  });
  return weights.map((w) => {
    const s4: number[] = [];
    const s10: number[] = [];
    idx.ids.forEach((id, i) => {
      const their = theirs.get(id);
      const row = rows[i];
      if (!their || !row) return;
      const mix = row.sem.map((s, j) => w * s + (1 - w) * (row.lex[j] ?? 0));
      const order = [...mix.keys()]
        .filter((j) => j !== i)
        .sort((a, b) => (mix[b] ?? 0) - (mix[a] ?? 0) || a - b);
      const top = order.slice(0, 10).map((j) => idx.ids[j]);
      s4.push(their.filter((t) => top.slice(0, 4).includes(t)).length / their.length);
      s10.push(their.filter((t) => top.includes(t)).length / their.length);
    });
    return {
      semanticWeight: w,
      at4: mean(s4),
      in10: mean(s10),
      se4: stderr(s4),
      se10: stderr(s10),
    };
  });
}

const mean = (a: readonly number[]) => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : 0);
function stderr(a: readonly number[]): number {
  if (a.length < 2) return 0;
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1) / a.length);
}

export async function benchSimilarAgreement(): Promise<string> {
  await Promise.resolve();
  const records = loadCorpus();
  const texts = records.map((r) => SearchIndex.semanticText(r));
  const { model, vectors } = LsaModel.fitWithVectors(texts);
  const input: SimilarInput = { ids: records.map((r) => r.id), texts, vectors, dim: model.dim };
  const idx = new SimilarityIndex(input);
  const theirs = loadVirtualRecs(records);
  const titleOf = new Map(
    records.map((r) => [r.id, r.title ?? `(untitled: ${r.abstract.slice(0, 40)}…)`]),
  );
  const out: string[] = [];

  out.push(
    `## Similar papers: agreement with the ICLR 2020 virtual site (${theirs.size} papers × 4 recommendations)`,
    '',
    'Share of their 4 recommendations found in our top 4 and our top 10, for each weight of the',
    'LSA cosine in the mix (the rest is the tf-idf cosine); ± one standard error. A random list',
    `would find ${((4 / (records.length - 1)) * 100).toFixed(1)}% in its top 4.`,
    '',
  );
  const sweep = agreementSweep(idx, theirs);
  out.push(
    table(
      ['LSA weight', 'their 4 in our top 4', 'their 4 in our top 10', ''],
      sweep.map((a) => [
        a.semanticWeight.toFixed(1),
        `${(a.at4 * 100).toFixed(1)}% ± ${(a.se4 * 100).toFixed(1)}`,
        `${(a.in10 * 100).toFixed(1)}% ± ${(a.se10 * 100).toFixed(1)}`,
        Math.abs(a.semanticWeight - DEFAULT_SEMANTIC_WEIGHT) < 1e-9 ? 'default' : '',
      ]),
    ),
    '',
  );

  for (const title of SIDE_BY_SIDE) {
    const i = records.findIndex((r) => r.title === title);
    const id = records[i]?.id;
    const their = id ? theirs.get(id) : undefined;
    if (i < 0 || !id || !their) {
      out.push(`(paper "${title}" not found)`, '');
      continue;
    }
    const { mix } = idx.row(i);
    const ours = [...mix.keys()]
      .filter((j) => j !== i)
      .sort((a, b) => (mix[b] ?? 0) - (mix[a] ?? 0) || a - b)
      .slice(0, 4);
    const ourIds = ours.map((j) => idx.ids[j] ?? '');
    out.push(`### ${title}`, '');
    out.push(
      table(
        ['#', 'virtual site', 'confscope (shared terms)'],
        [0, 1, 2, 3].map((r) => {
          const t = their[r] ?? '';
          const o = ours[r];
          const shared = o === undefined ? [] : idx.sharedTerms(i, o);
          const mark = (pid: string, other: readonly string[]) => (other.includes(pid) ? ' ✓' : '');
          return [
            String(r + 1),
            `${titleOf.get(t) ?? t}${mark(t, ourIds)}`,
            `${titleOf.get(ourIds[r] ?? '') ?? ''}${mark(ourIds[r] ?? '', their)} (${shared.join(', ')})`,
          ];
        }),
      ),
      '',
    );
  }
  out.push('✓: in both lists.');
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchSimilarAgreement());
}
