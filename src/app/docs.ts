// The papers of a database as the search index and the analysis see them.

import type { SearchDoc } from '../index/search.js';
import type { Store } from '../store/types.js';

/** Every paper of every corpus (or one corpus), ready for the index. */
export async function loadSearchDocs(store: Store, corpus?: string): Promise<SearchDoc[]> {
  const corpora = (await store.listCorpora())
    .map((c) => c.name)
    .filter((c) => corpus === undefined || c === corpus);
  const docs: SearchDoc[] = [];
  for (const c of corpora)
    // The store's records are fresh objects: tagged in place, not copied.
    for (const p of await store.listPapers(c)) docs.push(Object.assign(p, { corpus: c }));
  return docs;
}
