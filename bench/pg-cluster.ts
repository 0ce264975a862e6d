// A throwaway PostgreSQL cluster for the tests and the benchmarks: initdb into a temporary
// directory, pg_ctl start on a free loopback port (no Unix socket outside that directory), and
// stop + delete at the end. As root it runs the server binaries as the `postgres` user (initdb
// refuses root), the way Debian's packages set a machine up.

import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  /** Superuser URL of the cluster's `postgres` database (trust auth on loopback). */
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** The directory holding initdb/pg_ctl: $CONFSCOPE_PG_BIN, Debian's newest, or the PATH. */
export function findPgBin(): string | undefined {
  const env = process.env['CONFSCOPE_PG_BIN'];
  if (env) return existsSync(join(env, 'initdb')) ? env : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(debian, versions[0], 'bin');
  }
  for (const p of (process.env['PATH'] ?? '').split(':')) {
    if (p && existsSync(join(p, 'initdb')) && existsSync(join(p, 'pg_ctl'))) return p;
  }
  return undefined;
}

export const PG_MISSING =
  'PostgreSQL server binaries (initdb, pg_ctl) not found: install them with ' +
  '`apt-get install -y postgresql` (`npm test` does it when run as root), point ' +
  'CONFSCOPE_PG_BIN at their directory, or set CONFSCOPE_TEST_PG_URL to a server to use.';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

function uidOf(user: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

export interface ClusterOptions {
  /**
   * Keep PostgreSQL's durability settings (fsync, synchronous commit). Off by default: the
   * tests' data is thrown away; the benchmarks turn it on to measure what a deployment gets.
   */
  durable?: boolean;
}

/**
 * Start a fresh cluster; `stop()` shuts it down and deletes every file it wrote (also run when
 * the process exits without calling it).
 */
export async function startThrowawayCluster(opts: ClusterOptions = {}): Promise<PgCluster> {
  const bin = findPgBin();
  if (!bin) throw new Error(PG_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'confscope-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const file = join(bin, cmd);
    const [exe, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', file, ...args]]
      : [file, args];
    execFileSync(exe, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, timeout: 60_000 });
  };
  try {
    if (asRoot) {
      const pg = uidOf('postgres');
      if (!pg) throw new Error('running as root, but there is no `postgres` user to run initdb as');
      chownSync(dir, pg.uid, pg.gid);
    }
    const data = join(dir, 'data');
    run('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
    // A free port can be taken between the probe and the start: try a few.
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const serverOpts = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c max_connections=200',
        // Throwaway data: without durability the tests run faster.
        ...(opts.durable ? [] : ['-c fsync=off -c synchronous_commit=off -c full_page_writes=off']),
      ].join(' ');
      try {
        run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOpts, '-w', 'start']);
      } catch (e) {
        if (attempt < 3) continue;
        throw e;
      }
      let stopped = false;
      const stopNow = () => {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', stopNow);
        try {
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      };
      process.once('exit', stopNow);
      return {
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        port,
        dir,
        stop: () => {
          stopNow();
          return Promise.resolve();
        },
      };
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as Error & { stderr?: Buffer };
    const detail = err.stderr?.toString().trim();
    throw new Error(`cannot start a throwaway PostgreSQL cluster: ${detail || err.message}`, {
      cause: e,
    });
  }
}

let benchServer: Promise<{ url: string; cluster?: PgCluster }> | undefined;

/**
 * The PostgreSQL server the benchmarks use: $CONFSCOPE_BENCH_PG_URL (a superuser URL; each
 * benchmark creates and drops its own database there), else one durable throwaway cluster
 * shared by every benchmark of the run and stopped by stopBenchPgServer() or at exit.
 */
export function benchPgServer(): Promise<string> {
  const given = process.env['CONFSCOPE_BENCH_PG_URL'];
  benchServer ??= given
    ? Promise.resolve({ url: given })
    : startThrowawayCluster({ durable: true }).then((cluster) => ({ url: cluster.url, cluster }));
  return benchServer.then((s) => s.url);
}

export async function stopBenchPgServer(): Promise<void> {
  const s = await benchServer;
  benchServer = undefined;
  await s?.cluster?.stop();
}

/** A new empty database on `serverUrl` (a superuser URL); drop() removes it. */
export async function createDatabase(
  serverUrl: string,
  name: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
  const { default: pg } = await import('pg');
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
