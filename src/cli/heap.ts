// A larger JavaScript heap for large corpora. Node's default old-space limit (about 4 GB on a
// 64-bit machine with 16 GB or more) is set when the process starts and cannot be raised from
// inside it; a million papers as objects plus their analysis reach it (the server then spends
// its time in garbage collection and dies "out of memory"). So a command that opens a corpus
// above LARGE_CORPUS papers runs itself again in a child Node with a larger limit, passes it the
// signals it gets, and exits as the child did. Small corpora (every test) never do this.

import { spawn } from 'node:child_process';
import { constants, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { Store } from '../store/types.js';
import { info } from './output.js';

/** Papers from which the default heap is too small (the analysed 1M corpus needs ~6–8 GB). */
export const LARGE_CORPUS = 300_000;

/** Set in the child: it never starts another. */
const ENV_MARK = 'CONFSCOPE_HEAP_MB';

/** Heap (MB) a corpus of this many papers is given: ~8 KB a paper, at most ¾ of the RAM. */
export function wantedHeapMb(papers: number, ramBytes = totalmem()): number {
  const want = Math.max(4096, Math.ceil((papers * 8) / 1024));
  return Math.max(1024, Math.min(want, Math.floor((ramBytes * 0.75) / 2 ** 20)));
}

/**
 * The heap (MB) to run this command again with, or null to go on here: when `papers` is at least
 * the threshold (env CONFSCOPE_LARGE_CORPUS, default LARGE_CORPUS) and this process's heap
 * limit is below wantedHeapMb (and this is not already such a child).
 */
export function largerHeapFor(papers: number): number | null {
  const threshold = Number(process.env.CONFSCOPE_LARGE_CORPUS ?? LARGE_CORPUS);
  if (process.env[ENV_MARK] || !process.argv[1] || !(papers >= threshold)) return null;
  const mb = wantedHeapMb(papers);
  return getHeapStatistics().heap_size_limit >= mb * 2 ** 20 ? null : mb;
}

/** Run this same command in a child Node with an `mb` heap; resolves to its exit code. */
export async function relaunchWithHeap(mb: number, papers: number): Promise<number> {
  const script = process.argv[1] ?? '';
  info(`confscope: ${papers} papers: running with a ${mb} MB JavaScript heap`);
  const child = spawn(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${mb}`, script, ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, [ENV_MARK]: String(mb) } },
  );
  // SIGTERM and SIGHUP sent to this process go to the child, which shuts down as it would have.
  // A terminal's Ctrl-C (SIGINT) reaches both already, being one process group: this one only
  // waits (passed on, it would reach the child twice; a second SIGINT may stop it at once).
  const forward = (sig: NodeJS.Signals) => () => {
    if (sig !== 'SIGINT' && child.exitCode === null) child.kill(sig);
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => {
    const h = forward(s);
    process.on(s, h);
    return [s, h] as const;
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) =>
        resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)),
      );
    });
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
}

/**
 * For a command about to open this store: when its corpora need a larger heap (largerHeapFor),
 * close the store, run the command again with that heap and exit as it did; else return.
 */
export async function relaunchIfLarge(store: Store): Promise<void> {
  const papers = (await store.listCorpora()).reduce((n, c) => n + c.papers, 0);
  const heapMb = largerHeapFor(papers);
  if (heapMb === null) return;
  await store.close();
  process.exit(await relaunchWithHeap(heapMb, papers));
}
