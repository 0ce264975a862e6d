// `npm run crashtest -- --trials 20 [--db PATH|postgres://…|pg] [--seed N] [--derived 6] [--use 1]
// [--no-full-disk]`: kill -9 confscope at random points and check that nothing is lost.
//
// Everything goes through the CLI (`confscope ingest/export/search/analyze/embed`), so the same
// script runs against SQLite and PostgreSQL. The database first holds corpus `crashtest` from
// the ICLR 2020 listing (its export is the reference). Each ingest trial starts
// `confscope ingest` of a bigger, edited version (every abstract changed, four times the
// papers), kills it with SIGKILL after a random delay (seeded), then checks: the database
// opens; the corpus is exactly the old export or exactly the new one (never a mix); SQLite's
// integrity check passes; `confscope search` answers; re-running the ingest completes and gives
// the new export. The old version is then ingested again for the next trial. Derived-data
// trials kill `confscope analyze --rebuild` and `confscope embed --model use` the same way and
// check that analysis, topics, the map and search still work and that a re-run completes.
// The full-disk trials run the ingest under a file-size limit (`ulimit -f`) and, when mounting
// is allowed, on a tmpfs just larger than the database: a clean error (exit 1, a message) and
// the old corpus intact. With a PostgreSQL --db (or --pg-full-disk) a throwaway cluster
// (scripts/pg-throwaway.sh) is put on a tmpfs of its own, holding the old corpus; the tmpfs is
// shrunk to just above what is used (`mount -o remount,size=…`), the new version's ingest must
// fail cleanly (exit ≠ 0, a message naming the disk or space, no stack trace) leaving the old
// corpus exact and searchable, and after the tmpfs is enlarged again the re-run must complete.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  statfsSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_CORPUS } from '../src/app/index.js';
import { resolveDb } from './load.js';
import { table } from './util.js';
import { mulberry32 as rng } from '../src/core/random.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
/** scripts/ of the repository (this file runs from dist/bench/). */
const PG_THROWAWAY = join(dirname(fileURLToPath(import.meta.url)), '../../scripts/pg-throwaway.sh');
const CORPUS = 'crashtest';
const isPg = (db: string) => /^postgres(ql)?:\/\//i.test(db);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  killed: boolean;
}

/** Run the CLI; with `killAfter`, SIGKILL it after that many ms if it still runs. */
function cli(args: string[], opts: { killAfter?: number; wrap?: string } = {}): Promise<Run> {
  const t0 = performance.now();
  const [cmd, argv] =
    opts.wrap !== undefined
      ? ['bash', ['-c', `${opts.wrap}; exec "$0" "$@"`, process.execPath, CLI, ...args]]
      : [process.execPath, [CLI, ...args]];
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let killed = false;
  const timer =
    opts.killAfter !== undefined
      ? setTimeout(() => {
          killed = child.kill('SIGKILL');
        }, opts.killAfter)
      : undefined;
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        ms: performance.now() - t0,
        killed: killed && signal === 'SIGKILL',
      });
    });
  });
}

async function must(args: string[]): Promise<Run> {
  const r = await cli(args);
  if (r.code !== 0)
    throw new Error(`confscope ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-500)}`);
  return r;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** The listing with every abstract edited, `copies` times (copies after the first retitled). */
export function editedListing(text: string, copies: number): string {
  const out: string[] = [];
  for (let k = 1; k <= copies; k++) {
    out.push(
      text
        .replace(/^(#{1,4}[ \t].*?)[ \t]*$/gm, (_m, h: string) => (k === 1 ? h : `${h} V${k}`))
        .replace(/(abstract@open-review\([A-Za-z]+\):[ \t]*)/g, `$1Revised (${k}). `),
    );
  }
  return out.join('\n');
}

function parseArgs(argv: string[]) {
  const o = {
    trials: 20,
    db: '',
    seed: 42,
    derived: 6,
    use: 1,
    fullDisk: true,
    pgFullDisk: false,
    /** Free space (kB) left on the PostgreSQL tmpfs above what the old corpus uses. */
    pgMarginKb: 4096,
    copies: 4,
  };
  for (let i = 0; i < argv.length; i++) {
    const [a, v] = [argv[i], argv[i + 1]];
    if (a === '--trials' && v) o.trials = Number(v);
    else if (a === '--db' && v) o.db = v;
    else if (a === '--seed' && v) o.seed = Number(v);
    else if (a === '--derived' && v) o.derived = Number(v);
    else if (a === '--use' && v) o.use = Number(v);
    else if (a === '--copies' && v) o.copies = Number(v);
    else if (a === '--pg-margin-kb' && v) o.pgMarginKb = Number(v);
    else if (a === '--pg-full-disk') {
      o.pgFullDisk = true;
      continue;
    } else if (a === '--no-full-disk') {
      o.fullDisk = false;
      continue;
    } else if (a === '--help') {
      console.log(
        'npm run crashtest -- [--trials 20] [--db PATH|postgres://…|pg] [--seed 42] [--derived 6] [--use 1] [--copies 4] [--no-full-disk] [--pg-full-disk (also with SQLite)] [--pg-margin-kb 4096]',
      );
      process.exit(0);
    } else continue;
    i++;
  }
  return o;
}

interface Check {
  trial: string;
  killedAt: string;
  state: string;
  ok: boolean;
  note: string;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'confscope-crash-'));
  const target = await resolveDb(o.db || undefined, 'confscope_crash');
  const db = target.db ?? join(dir, 'crash.db');
  const sqlite = !isPg(db);
  if (sqlite && !o.db) rmSync(db, { force: true });
  const r = rng(o.seed);
  const oldPath = join(dir, 'old.md');
  const newPath = join(dir, 'new.md');
  const listing = readFileSync(DEFAULT_CORPUS.path, 'utf8');
  writeFileSync(oldPath, listing);
  writeFileSync(newPath, editedListing(listing, o.copies));
  console.log(
    `# confscope crash test — ${sqlite ? 'SQLite' : 'PostgreSQL'} (${sqlite ? db : db.replace(/:[^:@/]*@/, ':***@')}), seed ${o.seed}, ${o.trials} ingest trials\n`,
  );

  const ingest = (path: string) => ['ingest', path, '--db', db, '--corpus', CORPUS];
  const exportCorpus = async () => {
    const e = await cli(['export', '--db', db, '--corpus', CORPUS, '--format', 'jsonl']);
    return {
      ok: e.code === 0,
      hash: sha(e.stdout),
      lines: e.stdout.split('\n').length - 1,
      err: e.stderr,
    };
  };
  const integrity = () => {
    if (!sqlite) return 'n/a';
    const d = new Database(db, { readonly: true });
    try {
      return String(d.pragma('integrity_check', { simple: true }));
    } finally {
      d.close();
    }
  };
  const searchWorks = async () => {
    const s = await cli([
      'search',
      'graph neural networks',
      '--db',
      db,
      '--format',
      'json',
      '--limit',
      '3',
    ]);
    if (s.code !== 0) return `search failed (${s.code}): ${s.stderr.slice(-300)}`;
    const hits = (JSON.parse(s.stdout) as { hits: unknown[] }).hits.length;
    return hits > 0 ? '' : 'search found nothing';
  };

  // Reference exports and the time a full ingest of the new version takes.
  await must(ingest(oldPath));
  await must(['analyze', '--db', db]);
  const oldExport = await exportCorpus();
  const times: number[] = [];
  let newExport = oldExport;
  for (let i = 0; i < 2; i++) {
    times.push((await must(ingest(newPath))).ms);
    newExport = await exportCorpus();
    await must(ingest(oldPath));
  }
  const full = times.sort((a, b) => a - b)[0] ?? 1000;
  if ((await exportCorpus()).hash !== oldExport.hash)
    throw new Error('restoring the old corpus failed');
  console.log(
    `old: ${oldExport.lines} papers, new: ${newExport.lines} papers; a full ingest of the new version takes ${full.toFixed(0)} ms (process start to exit)\n`,
  );

  const checks: Check[] = [];
  const failures: string[] = [];
  const note = (c: Check) => {
    checks.push(c);
    if (!c.ok) failures.push(`${c.trial}: ${c.note}`);
  };

  for (let t = 1; t <= o.trials; t++) {
    // Half the delays anywhere in the run, half in its last 60% (parsing done, writing).
    const delay = Math.round(t % 2 ? r() * full * 1.1 : full * (0.4 + 0.7 * r()));
    const run = await cli(ingest(newPath), { killAfter: delay });
    const e = await exportCorpus();
    const state = !e.ok
      ? 'unreadable'
      : e.hash === oldExport.hash
        ? 'old'
        : e.hash === newExport.hash
          ? 'new'
          : 'MIXED';
    const integ = integrity();
    const search = e.ok ? await searchWorks() : 'not run';
    const rerun = await cli(ingest(newPath));
    const after = await exportCorpus();
    const problems = [
      e.ok ? '' : `export failed: ${e.err.slice(-200)}`,
      state === 'MIXED' ? 'corpus is neither the old nor the new version' : '',
      integ === 'ok' || integ === 'n/a' ? '' : `integrity_check: ${integ}`,
      search,
      rerun.code === 0 ? '' : `re-run failed (${rerun.code}): ${rerun.stderr.slice(-200)}`,
      after.hash === newExport.hash ? '' : 're-run did not give the new version',
    ].filter(Boolean);
    note({
      trial: `ingest ${t}`,
      killedAt: run.killed ? `${delay} ms` : `finished (${run.ms.toFixed(0)} ms < ${delay} ms)`,
      state,
      ok: problems.length === 0,
      note: problems.join('; ') || `integrity ${integ}, search ok, re-run ok`,
    });
    await must(ingest(oldPath));
  }

  // Derived data: the analysis (similar papers, topics, map) and the USE embeddings cache.
  if (o.derived > 0) {
    const a = await must(['analyze', '--db', db, '--rebuild']);
    for (let t = 1; t <= o.derived; t++) {
      const delay = Math.round(r() * a.ms * 1.1);
      const run = await cli(['analyze', '--db', db, '--rebuild'], { killAfter: delay });
      const e = await exportCorpus();
      const again = await cli(['analyze', '--db', db]);
      const topics = await cli(['topics', '--db', db, '--format', 'json']);
      const map = await cli(['map', '--db', db, '--format', 'json']);
      const search = await searchWorks();
      const problems = [
        e.hash === oldExport.hash ? '' : 'corpus changed',
        integrity() === 'ok' || !sqlite ? '' : 'integrity_check failed',
        again.code === 0 ? '' : `analyze failed (${again.code}): ${again.stderr.slice(-200)}`,
        topics.code === 0 && (JSON.parse(topics.stdout) as unknown[]).length > 0
          ? ''
          : 'topics failed',
        map.code === 0 ? '' : 'map failed',
        search,
      ].filter(Boolean);
      note({
        trial: `analyze ${t}`,
        killedAt: run.killed ? `${delay} ms` : `finished (${run.ms.toFixed(0)} ms)`,
        state: e.hash === oldExport.hash ? 'old' : 'changed',
        ok: problems.length === 0,
        note: problems.join('; ') || 'analyze, topics, map and search ok',
      });
    }
  }
  for (let t = 1; t <= o.use; t++) {
    // USE over every paper takes about 80 s here: kill it partway, then let it finish.
    const delay = Math.round(8_000 + r() * 40_000);
    const run = await cli(['embed', '--db', db, '--model', 'use'], { killAfter: delay });
    const e = await exportCorpus();
    const again = await cli(['embed', '--db', db, '--model', 'use']);
    const cached = /\((\d+) from the cache/.exec(again.stderr)?.[1] ?? '?';
    const problems = [
      e.hash === oldExport.hash ? '' : 'corpus changed',
      integrity() === 'ok' || !sqlite ? '' : 'integrity_check failed',
      again.code === 0 ? '' : `embed re-run failed (${again.code}): ${again.stderr.slice(-200)}`,
      await searchWorks(),
    ].filter(Boolean);
    note({
      trial: `embed use ${t}`,
      killedAt: run.killed ? `${delay} ms` : `finished (${run.ms.toFixed(0)} ms)`,
      state: `re-run: ${cached} vectors from the cache`,
      ok: problems.length === 0,
      note: problems.join('; ') || 're-run completed from the cache',
    });
  }

  // A full disk during the ingest: a file-size limit, and a small tmpfs when mounting works.
  // Both on a fresh database holding only the old corpus (a churned one has free pages the new
  // version could reuse without growing any file).
  if (o.fullDisk && sqlite) {
    const fresh = join(dir, 'full.db');
    await must(['ingest', oldPath, '--db', fresh, '--corpus', CORPUS]);
    const live = new Database(fresh);
    live.pragma('wal_checkpoint(TRUNCATE)');
    live.close();
    const size = statSync(fresh).size;
    const outcome = async (label: string, where: string, run: Run) => {
      const e = await cli(['export', '--db', where, '--corpus', CORPUS, '--format', 'jsonl']);
      const hash = sha(e.stdout);
      const d = new Database(where, { readonly: true });
      const integ = String(d.pragma('integrity_check', { simple: true }));
      d.close();
      const clean = run.code === 1 && /error/.test(run.stderr) && !/\n\s+at /.test(run.stderr);
      note({
        trial: label,
        killedAt: `exit ${run.code ?? run.signal ?? '?'}`,
        state: hash === oldExport.hash ? 'old' : hash === newExport.hash ? 'new' : 'MIXED',
        ok: clean && hash === oldExport.hash && integ === 'ok',
        note: `${integ === 'ok' ? 'integrity ok; ' : `integrity ${integ}; `}${run.stderr.trim().split('\n').pop()?.slice(0, 140) ?? ''}`,
      });
    };
    // Every write past 256 kB into any file fails (EFBIG): the WAL cannot grow.
    const limited = await cli(['ingest', newPath, '--db', fresh, '--corpus', CORPUS], {
      wrap: 'ulimit -f 256',
    });
    await outcome('file-size limit 256 kB', fresh, limited);
    const mnt = join(dir, 'tmpfs');
    mkdirSync(mnt);
    const tmpfsKb = Math.ceil(size / 1024) + 512;
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${tmpfsKb}k`, 'tmpfs', mnt]);
    if (mounted.status === 0) {
      try {
        const small = join(mnt, 'full.db');
        copyFileSync(fresh, small);
        const run = await cli(['ingest', newPath, '--db', small, '--corpus', CORPUS]);
        await outcome(`tmpfs of ${tmpfsKb} kB (db ${Math.ceil(size / 1024)} kB)`, small, run);
      } finally {
        spawnSync('umount', [mnt]);
      }
    } else {
      console.log(
        `(tmpfs not mounted: ${mounted.stderr.toString().trim()}; file-size limit only)\n`,
      );
    }
  }

  if (o.fullDisk && (!sqlite || o.pgFullDisk)) {
    // The whole data directory on the full disk (WAL included), then the WAL on another disk
    // (initdb --waldir's layout: pg_wal a symbolic link) so only the tables and indexes fill.
    for (const walElsewhere of [false, true]) {
      await pgFullDisk({
        dir,
        oldPath,
        newPath,
        oldHash: oldExport.hash,
        newHash: newExport.hash,
        marginKb: o.pgMarginKb,
        walElsewhere,
        note,
      });
    }
  }

  console.log(
    table(
      ['trial', 'killed at', 'corpus after', 'ok', 'checks'],
      checks.map((c) => [c.trial, c.killedAt, c.state, c.ok ? 'yes' : 'NO', c.note]),
    ),
  );
  const killed = checks.filter(
    (c) =>
      c.trial.startsWith('ingest') &&
      c.killedAt.endsWith(' ms') &&
      !c.killedAt.startsWith('finished'),
  );
  const states = (s: string) =>
    checks.filter((c) => c.trial.startsWith('ingest') && c.state === s).length;
  console.log(
    `\ningest trials: ${o.trials} (${killed.length} killed mid-run; corpus afterwards old ${states('old')}, new ${states('new')}, mixed ${states('MIXED')}, unreadable ${states('unreadable')})`,
  );
  console.log(`${failures.length} failures`);
  for (const f of failures) console.log(`  ${f}`);
  await target.done();
  rmSync(dir, { recursive: true, force: true });
  if (failures.length) process.exitCode = 1;
}

/** kB used on the filesystem holding `path`. */
function usedKb(path: string): number {
  const f = statfsSync(path);
  return Math.ceil(((f.blocks - f.bfree) * f.bsize) / 1024);
}

/**
 * PostgreSQL on a full disk: a throwaway cluster whose data directory is on a tmpfs (its WAL
 * too, unless `walElsewhere`), holding the old corpus; the tmpfs shrunk to `marginKb` above its
 * use; the ingest of the new version must fail cleanly and leave the old corpus exact and
 * searchable; the tmpfs enlarged again, the re-run must give the new version. PostgreSQL stops
 * (PANIC) when it cannot write its WAL and cannot restart until there is space: then the server
 * is started again after the space is freed, as an operator would, and the old corpus checked
 * after its crash recovery.
 */
async function pgFullDisk(a: {
  dir: string;
  oldPath: string;
  newPath: string;
  oldHash: string;
  newHash: string;
  marginKb: number;
  walElsewhere: boolean;
  note: (c: Check) => void;
}): Promise<void> {
  const where = a.walElsewhere ? 'data on the tmpfs, WAL elsewhere' : 'data and WAL on the tmpfs';
  const label = `PostgreSQL full disk (${where})`;
  const fail = (why: string) => {
    a.note({ trial: label, killedAt: '-', state: '-', ok: false, note: why });
  };
  const mnt = join(a.dir, a.walElsewhere ? 'pgdisk-data' : 'pgdisk');
  mkdirSync(mnt);
  // The server runs as the postgres user (scripts/pg-throwaway.sh): it must reach the mount.
  chmodSync(a.dir, 0o755);
  const bigKb = 512 * 1024;
  const mounted = spawnSync('mount', [
    '-t',
    'tmpfs',
    '-o',
    `size=${bigKb}k,mode=0755`,
    'tmpfs',
    mnt,
  ]);
  if (mounted.status !== 0) {
    console.log(`(${label}: tmpfs not mounted: ${mounted.stderr.toString().trim()}; not run)\n`);
    return;
  }
  const resize = (kb: number) => {
    const r = spawnSync('mount', ['-o', `remount,size=${kb}k`, mnt]);
    if (r.status !== 0) throw new Error(`remount size=${kb}k: ${r.stderr.toString().trim()}`);
  };
  const cluster = join(mnt, 'cluster');
  const pgctl = (cmd: string) => {
    const r = spawnSync('bash', [PG_THROWAWAY, cmd, cluster], {
      encoding: 'utf8',
      // Durable settings (fsync on, the defaults); WAL segments kept to what a small disk holds.
      env: { ...process.env, PG_THROWAWAY_OPTS: '-c max_wal_size=64MB -c min_wal_size=32MB' },
    });
    if (r.status !== 0) throw new Error(`pg-throwaway.sh ${cmd}: ${r.stderr.trim().slice(-500)}`);
    return r.stdout.trim();
  };
  try {
    const url = pgctl('start');
    if (a.walElsewhere) {
      // Moved while the server is stopped; root's mv keeps the postgres user as owner.
      pgctl('pause');
      const pgWal = join(cluster, 'data', 'pg_wal');
      const moved = spawnSync('mv', [pgWal, join(a.dir, 'pg_wal')]);
      if (moved.status !== 0) throw new Error(`mv pg_wal: ${moved.stderr.toString().trim()}`);
      symlinkSync(join(a.dir, 'pg_wal'), pgWal);
      pgctl('resume');
    }
    const ingest = (path: string) => cli(['ingest', path, '--db', url, '--corpus', CORPUS]);
    const exportHash = async () => {
      const e = await cli(['export', '--db', url, '--corpus', CORPUS, '--format', 'jsonl']);
      return e.code === 0 ? sha(e.stdout) : `export failed (${e.code}): ${e.stderr.slice(-200)}`;
    };
    const search = async () => {
      const s = await cli(['search', 'graph neural networks', '--db', url, '--format', 'json']);
      if (s.code !== 0) return `search failed (${s.code}): ${s.stderr.slice(-200)}`;
      return (JSON.parse(s.stdout) as { hits: unknown[] }).hits.length > 0 ? '' : 'no hits';
    };
    const first = await ingest(a.oldPath);
    if (first.code !== 0) throw new Error(`ingest of the old corpus: ${first.stderr.slice(-300)}`);
    if ((await exportHash()) !== a.oldHash)
      throw new Error('old corpus differs from the reference');
    // Flush everything, then leave only `marginKb` free.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('CHECKPOINT');
    await c.end();
    const used = usedKb(mnt);
    const small = used + a.marginKb;
    resize(small);
    const run = await ingest(a.newPath);
    const usedFull = usedKb(mnt);
    const message = run.stderr.trim().split('\n').pop() ?? '';
    const clean =
      run.code !== 0 &&
      run.signal === null &&
      /disk|space/i.test(message) &&
      !/\n\s+at /.test(run.stderr);
    // Is the server still serving the old corpus with the disk full?
    const whileFull = await exportHash();
    resize(bigKb);
    let restarted = false;
    if (whileFull !== a.oldHash) {
      // It stopped: start it again now that there is space (crash recovery replays the WAL).
      try {
        pgctl('resume');
        restarted = true;
      } catch (e) {
        console.error(`restart: ${(e as Error).message}`);
      }
    }
    const after = whileFull === a.oldHash ? whileFull : await exportHash();
    const searchAfter = await search();
    const rerun = await ingest(a.newPath);
    const final = await exportHash();
    const serverLog = readFileSync(join(cluster, 'server.log'), 'utf8');
    const panicked = /PANIC/.test(serverLog);
    const problems = [
      clean
        ? ''
        : `not a clean error (exit ${run.code ?? run.signal ?? '?'}): ${run.stderr.slice(-400)}`,
      after === a.oldHash ? '' : `old corpus not intact: ${after}`,
      searchAfter,
      rerun.code === 0 ? '' : `re-run failed (${rerun.code}): ${rerun.stderr.slice(-200)}`,
      final === a.newHash ? '' : 're-run did not give the new version',
    ].filter(Boolean);
    console.log(
      `${label}: tmpfs ${small} kB (${used} kB used after the old corpus, ${a.marginKb} kB free; ${usedFull} kB used at the failure); ingest exit ${run.code ?? run.signal ?? '?'} after ${run.ms.toFixed(0)} ms: ${message}\n` +
        `  server log: ${panicked ? 'PANIC (the server restarted)' : 'no PANIC'}; ${
          serverLog
            .split('\n')
            .filter((l) => /No space left|PANIC|could not (write|extend)/.test(l))
            .slice(0, 3)
            .join(' | ')
            .slice(0, 400) || 'no disk error logged'
        }\n  while full: ${whileFull === a.oldHash ? 'old corpus served' : whileFull.slice(0, 200)}; ${restarted ? 'server started again after enlarging the tmpfs' : 'no restart needed'}\n`,
    );
    a.note({
      trial: `PostgreSQL, ${where}: tmpfs of ${small} kB (${used} kB used)`,
      killedAt: `exit ${run.code ?? run.signal ?? '?'}`,
      state: after === a.oldHash ? 'old' : after === a.newHash ? 'new' : 'MIXED',
      ok: problems.length === 0,
      note:
        problems.join('; ') ||
        `${whileFull === a.oldHash ? 'served while full' : 'server stopped (PANIC), started again after enlarging'}; search ok, re-run ok; ${message.slice(0, 200)}`,
    });
  } catch (e) {
    fail((e as Error).message);
  } finally {
    try {
      resize(bigKb);
      pgctl('stop');
    } catch (e) {
      console.error(`cleanup: ${(e as Error).message}`);
    }
    spawnSync('umount', [mnt]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
