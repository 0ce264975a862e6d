// The hand-judged evaluation set (queries.tsv, qrels.tsv next to this file's source), with the
// qrels' titles mapped to paper ids of the parsed ICLR 2020 corpus. Anything that does not line
// up (unknown qid, title matching no paper, duplicate judgement, query without judgements) is
// an error: a silently dropped judgement would skew every metric.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CORPUS } from '../../src/app/index.js';
import type { PaperRecord } from '../../src/core/types.js';
import { parseListing } from '../../src/ingest/listing.js';
import { normalizeKey } from '../../src/ingest/text.js';

export const QUERY_KINDS = ['known', 'paraphrase', 'topical', 'filter'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export interface EvalQuery {
  qid: string;
  kind: QueryKind;
  query: string;
}

export interface EvalSet {
  queries: EvalQuery[];
  /** qid → (paper id → grade 1 or 2); papers not listed are not relevant. */
  qrels: Map<string, Map<string, number>>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Where queries.tsv and qrels.tsv live, from the source tree or from dist/bench/quality. */
export const EVAL_DIR =
  [here, join(here, '../../../bench/quality')].find((d) => existsSync(join(d, 'qrels.tsv'))) ??
  here;

/** The ICLR 2020 records exactly as `confscope parse` gives them. */
export function loadCorpus(): PaperRecord[] {
  return parseListing(readFileSync(DEFAULT_CORPUS.path, 'utf8'), DEFAULT_CORPUS.label).records;
}

function readTsv(path: string, header: string): { line: number; cols: string[] }[] {
  const lines = readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  if (lines[0]?.trim() !== header.replaceAll(' ', '\t')) {
    throw new Error(`${path}:1: expected the header "${header.replaceAll(' ', '\\t')}"`);
  }
  const rows: { line: number; cols: string[] }[] = [];
  lines.forEach((text, i) => {
    if (i === 0 || text.trim() === '') return;
    rows.push({ line: i + 1, cols: text.split('\t') });
  });
  return rows;
}

function isKind(s: string): s is QueryKind {
  return (QUERY_KINDS as readonly string[]).includes(s);
}

export function loadEvalSet(records: readonly PaperRecord[], dir: string = EVAL_DIR): EvalSet {
  const qPath = join(dir, 'queries.tsv');
  const rPath = join(dir, 'qrels.tsv');

  const queries: EvalQuery[] = [];
  const seen = new Set<string>();
  for (const { line, cols } of readTsv(qPath, 'qid kind query')) {
    const [qid = '', kind = '', query = ''] = cols.map((c) => c.trim());
    if (cols.length !== 3 || !qid || !query) {
      throw new Error(`${qPath}:${line}: expected "qid<TAB>kind<TAB>query"`);
    }
    if (!isKind(kind)) {
      throw new Error(`${qPath}:${line}: unknown kind "${kind}" (${QUERY_KINDS.join(', ')})`);
    }
    if (seen.has(qid)) throw new Error(`${qPath}:${line}: duplicate qid ${qid}`);
    seen.add(qid);
    queries.push({ qid, kind, query });
  }

  const byKey = new Map<string, string>();
  for (const r of records) {
    if (r.title === null) continue;
    const key = normalizeKey(r.title);
    if (byKey.has(key)) throw new Error(`two papers share the title key "${key}"`);
    byKey.set(key, r.id);
  }

  const qrels = new Map<string, Map<string, number>>(queries.map((q) => [q.qid, new Map()]));
  for (const { line, cols } of readTsv(rPath, 'qid grade title')) {
    const [qid = '', gradeText = '', title = ''] = cols.map((c) => c.trim());
    if (cols.length !== 3 || !qid || !title) {
      throw new Error(`${rPath}:${line}: expected "qid<TAB>grade<TAB>title"`);
    }
    const judged = qrels.get(qid);
    if (!judged) throw new Error(`${rPath}:${line}: qid ${qid} is not in queries.tsv`);
    const grade = Number(gradeText);
    if (grade !== 1 && grade !== 2) {
      throw new Error(`${rPath}:${line}: grade must be 1 or 2, got "${gradeText}"`);
    }
    const id = byKey.get(normalizeKey(title));
    if (id === undefined) {
      throw new Error(`${rPath}:${line}: the title "${title}" matches no paper of the corpus`);
    }
    if (judged.has(id)) throw new Error(`${rPath}:${line}: ${qid} judges "${title}" twice`);
    judged.set(id, grade);
  }
  for (const q of queries) {
    if (qrels.get(q.qid)?.size === 0) {
      throw new Error(`${qPath}: query ${q.qid} has no judgements in qrels.tsv`);
    }
  }
  return { queries, qrels };
}
