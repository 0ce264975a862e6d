// Reading many large saved values from a SQLite file at once, in worker threads. SQLite hands a
// large value over at 550–600 MB/s to one reader on this machine (whatever the page size or
// mmap), and a million papers' saved indexes are 5.6 GB; two readers on two cores read it in
// half the time. Each worker opens the file read-only (WAL lets readers run beside the writer)
// and moves each value's memory to the caller rather than copying it.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The worker: `{ path, driver }` in workerData; a key in, `{ key, data }` out (null: none). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
const get = db.prepare('SELECT data FROM models WHERE id = ?').pluck();
parentPort.on('message', (key) => {
  try {
    const b = get.get(key);
    if (!b) return parentPort.postMessage({ key, data: null });
    // A large value owns its memory and moves; a small one may sit in a shared pool: copied.
    const own = b.byteOffset === 0 && b.buffer.byteLength === b.byteLength;
    const data = own ? b.buffer : new Uint8Array(b).buffer;
    parentPort.postMessage({ key, data }, [data]);
  } catch (e) {
    parentPort.postMessage({ key, error: String(e && e.message ? e.message : e) });
  }
});
`;

type Reply = { key: string; data: ArrayBuffer | null } | { key: string; error: string };

/**
 * The values of these keys in the models table of the SQLite file at `path` (null for a key
 * with none), read by `threads` workers at once. Rejects (and stops the workers) on any error.
 */
export async function readModelsInParallel(
  path: string,
  keys: readonly string[],
  threads = 2,
): Promise<Map<string, Uint8Array | null>> {
  const out = new Map<string, Uint8Array | null>();
  const todo = [...new Set(keys)];
  if (!todo.length) return out;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const workers = Array.from(
    { length: Math.max(1, Math.min(threads, todo.length)) },
    () => new Worker(WORKER, { eval: true, workerData: { path, driver } }),
  );
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const next = () => {
              const key = todo.shift();
              if (key === undefined) resolve();
              else w.postMessage(key);
            };
            w.on('message', (m: Reply) => {
              if ('error' in m) reject(new Error(`reading saved value ${m.key}: ${m.error}`));
              else {
                out.set(m.key, m.data && new Uint8Array(m.data));
                next();
              }
            });
            w.on('error', (e: unknown) =>
              reject(
                new Error(`a reading worker failed: ${e instanceof Error ? e.message : String(e)}`),
              ),
            );
            w.on('exit', (code) => {
              if (code !== 0) reject(new Error(`a reading worker stopped (exit code ${code})`));
            });
            next();
          }),
      ),
    );
    return out;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
