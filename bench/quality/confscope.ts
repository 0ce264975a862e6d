// confscope's own search modes as SearchSystems for the quality benchmark.

import type { PaperRecord } from '../../src/core/types.js';
import {
  SearchIndex,
  type FusionParams,
  type SearchMode,
  type VectorSet,
} from '../../src/index/search.js';
import type { SearchSystem } from './systems.js';

export interface ConfscopeSystemOptions {
  fusion?: Partial<FusionParams>;
  /** Extra vector sets (e.g. USE) built from the records. */
  extra?: (records: PaperRecord[]) => Promise<VectorSet[]>;
  label?: string;
}

export function confscopeSystem(mode: SearchMode, opts: ConfscopeSystemOptions = {}): SearchSystem {
  let index: SearchIndex | undefined;
  return {
    name: `confscope ${mode}${opts.label ? ` (${opts.label})` : ''}`,
    settings: `BM25F title×3 authors×2 abstract×1, LSA-128, ${JSON.stringify(opts.fusion ?? {})}`,
    async build(records) {
      const extra = opts.extra ? await opts.extra(records) : [];
      index = SearchIndex.build(
        records.map((r) => ({ ...r, corpus: 'iclr2020' })),
        { extra },
      );
    },
    async search(query, k) {
      if (!index) throw new Error('build first');
      const r = await index.search(query, { mode, limit: k, fusion: opts.fusion, details: false });
      return r.hits.map((h) => h.id);
    },
  };
}

export function confscopeSystems(opts: ConfscopeSystemOptions = {}): SearchSystem[] {
  return (['lexical', 'semantic', 'hybrid'] as const).map((m) => confscopeSystem(m, opts));
}
