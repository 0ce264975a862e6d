// Ranking metrics for the search-quality benchmark. Pure functions over a ranked list of paper
// ids (best first) and the graded judgements of one query (paper id → grade; unlisted = 0).
//
// Conventions (the usual TREC ones):
// - only the first `k` entries count; a repeated id counts once, at its first rank;
// - "relevant" means grade ≥ `minGrade` (default 1); the benchmark passes 2 for known-item
//   queries so that MRR and Recall look for the target paper, not its close second;
// - nDCG uses gain 2^grade − 1 (grade 2 → 3, grade 1 → 1), discount log2(rank + 1), and the
//   ideal ranking is built from every judged paper of the query;
// - a query without any relevant judgement scores 0 on every metric (never NaN).

export type Judgements = ReadonlyMap<string, number>;

/** The first `k` distinct ids of a ranking. */
export function topK(ranking: readonly string[], k: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ranking) {
    if (out.length >= k) break;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

/** Reciprocal rank of the first relevant paper within the top `k`; 0 when none is there. */
export function reciprocalRank(
  ranking: readonly string[],
  judged: Judgements,
  k = 10,
  minGrade = 1,
): number {
  const top = topK(ranking, k);
  for (let i = 0; i < top.length; i++) {
    if ((judged.get(top[i] ?? '') ?? 0) >= minGrade) return 1 / (i + 1);
  }
  return 0;
}

/** Fraction of all relevant papers of the query found within the top `k`. */
export function recall(
  ranking: readonly string[],
  judged: Judgements,
  k = 10,
  minGrade = 1,
): number {
  let relevant = 0;
  for (const g of judged.values()) if (g >= minGrade) relevant++;
  if (relevant === 0) return 0;
  let found = 0;
  for (const id of topK(ranking, k)) if ((judged.get(id) ?? 0) >= minGrade) found++;
  return found / relevant;
}

export function gain(grade: number): number {
  return grade > 0 ? 2 ** grade - 1 : 0;
}

function dcg(grades: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < grades.length; i++) s += gain(grades[i] ?? 0) / Math.log2(i + 2);
  return s;
}

/** Normalised discounted cumulative gain at `k` with graded gains 2^g − 1. */
export function ndcg(ranking: readonly string[], judged: Judgements, k = 10): number {
  const ideal = dcg(
    [...judged.values()]
      .filter((g) => g > 0)
      .sort((a, b) => b - a)
      .slice(0, k),
  );
  if (ideal === 0) return 0;
  return dcg(topK(ranking, k).map((id) => judged.get(id) ?? 0)) / ideal;
}

export interface QueryScores {
  mrr: number;
  ndcg: number;
  recall: number;
}

/** All three metrics at `k` for one query; `minGrade` applies to MRR and Recall. */
export function scoreQuery(
  ranking: readonly string[],
  judged: Judgements,
  k = 10,
  minGrade = 1,
): QueryScores {
  return {
    mrr: reciprocalRank(ranking, judged, k, minGrade),
    ndcg: ndcg(ranking, judged, k),
    recall: recall(ranking, judged, k, minGrade),
  };
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
