// Search use cases: build the in-memory index from the store, answer one query, answer a
// batch of topics as a TREC run.

import { readFileSync } from 'node:fs';
import { ConfscopeError } from '../core/errors.js';
import type { SearchIndex, SearchOptions, SearchResult } from '../index/search.js';
import type { Store } from '../store/types.js';
import { openAnalysis } from './analysis.js';
import { loadSearchDocs } from './docs.js';

export { loadSearchDocs } from './docs.js';

export {
  SEARCH_MODES,
  type SearchMode,
  type SearchResult,
  type SearchHit,
} from '../index/search.js';

/** The search index of a database, with entity filters once its analysis exists (computed if not). */
export async function openSearchIndex(store: Store): Promise<SearchIndex> {
  const docs = await loadSearchDocs(store);
  if (docs.length === 0) {
    throw new ConfscopeError(
      'UNKNOWN_CORPUS',
      'the database holds no papers yet (run `confscope start` or `confscope ingest FILE`)',
    );
  }
  return (await openAnalysis(store)).index;
}

export interface Topic {
  qid: string;
  query: string;
}

/** Read `qid<TAB>query` lines; a header line `qid<TAB>query` and blank lines are skipped. */
export function readTopics(path: string): Topic[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfscopeError(
      'FILE_NOT_FOUND',
      `${path}: cannot read the topics file (${(e as Error).message})`,
    );
  }
  const topics: Topic[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (!line.trim() || (i === 0 && /^qid\t/i.test(line))) return;
    const tab = line.indexOf('\t');
    if (tab <= 0) {
      throw new ConfscopeError(
        'BAD_ARGUMENT',
        `${path}:${i + 1}: expected "qid<TAB>query", found no tab`,
      );
    }
    const qid = line.slice(0, tab).trim();
    if (/\s/.test(qid))
      throw new ConfscopeError(
        'BAD_ARGUMENT',
        `${path}:${i + 1}: the qid "${qid}" contains spaces`,
      );
    topics.push({ qid, query: line.slice(tab + 1) });
  });
  return topics;
}

/** TREC run lines `qid Q0 paperId rank score runTag`, rank from 1. */
export function trecLines(qid: string, result: SearchResult, runTag: string, offset = 0): string[] {
  return result.hits.map(
    (h, i) => `${qid} Q0 ${h.id} ${offset + i + 1} ${h.score.toFixed(6)} ${runTag}`,
  );
}

export async function searchBatch(
  index: SearchIndex,
  topics: readonly Topic[],
  opts: SearchOptions,
  onProgress?: (done: number) => void,
): Promise<string> {
  const tag = `confscope-${opts.mode ?? 'hybrid'}`;
  const lines: string[] = [];
  let done = 0;
  for (const t of topics) {
    lines.push(...trecLines(t.qid, await index.search(t.query, opts), tag, opts.offset ?? 0));
    onProgress?.(++done);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
