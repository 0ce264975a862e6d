// The papers of a database as the search index and the analysis see them.

import type { SearchDoc } from '../index/search.js';
import type { Store } from '../store/types.js';
import {
  docsFingerprint,
  openDocPack,
  SAVE_LEXICAL_ABOVE,
  saveDocPack,
  type SavedDocPack,
} from './saved-index.js';

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

/**
 * Every paper of the data with this signature (see corporaSignature) and their docsFingerprint:
 * from the saved pack when there is one for the same data (seconds at a million papers, against
 * half a minute from the papers table), else from the table, and packed for the next start when
 * the corpus is large enough for that to matter.
 */
export async function loadDocs(
  store: Store,
  signature: string,
  opts: {
    /** Pack above this many papers. */
    packAbove?: number;
    /** The pack, already opened (null: there is none). */
    pack?: SavedDocPack | null;
  } = {},
): Promise<{ docs: SearchDoc[]; fingerprint: string; packed: boolean }> {
  const pack = opts.pack === undefined ? await openDocPack(store, signature) : opts.pack;
  const packed = await pack?.read();
  if (pack && packed) return { docs: packed, fingerprint: pack.fingerprint, packed: true };
  const docs = await loadSearchDocs(store);
  const fingerprint = docsFingerprint(docs, signature);
  if (docs.length > (opts.packAbove ?? SAVE_LEXICAL_ABOVE))
    await saveDocPack(store, signature, fingerprint, docs);
  return { docs, fingerprint, packed: false };
}
