// The built CLI (dist/src/cli/main.js) fed bad and awkward inputs, run as a subprocess the way
// a person runs it: exit codes, located messages on stderr, no stack traces, and a database
// left exactly as it was when an ingest is refused. Run `npm run build` first.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperRecord } from '../src/core/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

let dir = '';
let goodDb = '';
let goodPath = '';
let copies = 0;
/** Export and corpora list of `goodDb` right after the good ingest. */
let goodSnapshot: { papers: Buffer; corpora: string } = { papers: Buffer.alloc(0), corpora: '' };
/** `parse good.md` as printed. */
let goodParse: { r: Run; records: PaperRecord[] } | undefined;

/** Run the CLI; the default database is kept inside the temp dir, debug stacks are off. */
function run(args: string[]): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, CONFSCOPE_DB: join(dir, 'default.db') };
  delete env['CONFSCOPE_DEBUG'];
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env,
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout.toString('utf8'),
    stdoutBytes: r.stdout,
    stderr: r.stderr.toString('utf8'),
  };
}

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function jsonl(stdout: string): PaperRecord[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as PaperRecord);
}

/** Records with the source path replaced, so two files with the same content compare equal. */
function sansPath(records: PaperRecord[], path: string): unknown {
  return JSON.parse(JSON.stringify(records).split(JSON.stringify(path).slice(1, -1)).join('<f>'));
}

/** 1-based number of the first line that starts with `prefix`. */
function lineOf(lines: readonly string[], prefix: string, from = 1): number {
  const i = lines.findIndex((l, k) => k >= from - 1 && l.startsWith(prefix));
  if (i < 0) throw new Error(`test bug: no line starts with ${prefix}`);
  return i + 1;
}

function expectNoStack(r: Run): void {
  expect(r.stderr).not.toMatch(/^\s+at\s/m);
  expect(r.stderr).not.toMatch(/\b[A-Z]\w*Error\b/);
  expect(r.stderr).not.toMatch(/\bError:/);
  expect(r.stderr).not.toMatch(/internal error/);
}

function expectRejected(r: Run, ...messages: (string | RegExp)[]): void {
  expect(r.signal).toBeNull();
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^confscope: error: /);
  for (const m of messages) {
    if (typeof m === 'string') expect(r.stderr).toContain(m);
    else expect(r.stderr).toMatch(m);
  }
  expectNoStack(r);
}

function parseOk(path: string, ...extra: string[]): { r: Run; records: PaperRecord[] } {
  const r = run(['parse', path, ...extra]);
  expect(r.signal).toBeNull();
  expect(r.status).toBe(0);
  expectNoStack(r);
  return { r, records: extra.includes('--format') ? [] : jsonl(r.stdout) };
}

function snapshot(db: string): { papers: Buffer; corpora: string } {
  const e = run(['export', '--db', db]);
  expect(e.status).toBe(0);
  const c = run(['corpora', '--db', db, '--format', 'json']);
  expect(c.status).toBe(0);
  return { papers: e.stdoutBytes, corpora: c.stdout };
}

/** A refused ingest into a copy of the good database must leave it byte-for-byte the same. */
function expectIngestRefused(path: string, ...messages: (string | RegExp)[]): void {
  const db = join(dir, `refused-${String(++copies)}.db`);
  for (const ext of ['', '-wal', '-shm']) {
    if (existsSync(goodDb + ext)) copyFileSync(goodDb + ext, db + ext);
  }
  const before = goodSnapshot;
  const r = run(['ingest', path, '--db', db, '--corpus', 'conf']);
  expectRejected(r, ...messages);
  const after = snapshot(db);
  expect(after.papers.equals(before.papers)).toBe(true);
  expect(after.corpora).toBe(before.corpora);
}

function goodRecords(): { r: Run; records: PaperRecord[] } {
  if (!goodParse) throw new Error('beforeAll did not parse good.md');
  return goodParse;
}

function summaryRe(path: string, body: string): RegExp {
  const p = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${p}: ${body}, parsed in \\d+(?:\\.\\d+)? ms$`, 'm');
}

const GOOD_LINES = [
  '## Learning to Parse Listings',
  '',
  '- Alice Smith, Bob Jones',
  '- abstract@open-review(Poster): We parse listings.',
  '',
  '## Robust Ingest for Everyone',
  '',
  '- Carol White',
  '- abstract@open-review(Talk): Ingest is robust.',
  '',
];
const GOOD = GOOD_LINES.join('\n');

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'confscope-cli-bad-'));
  goodDb = join(dir, 'good.db');
  goodPath = file('good.md', GOOD);
  const r = run(['ingest', goodPath, '--db', goodDb, '--corpus', 'conf']);
  expect(r.status).toBe(0);
  expect(r.stderr).toContain('2 added, 0 updated, 0 moved, 0 unchanged, 0 removed');
  goodSnapshot = snapshot(goodDb);
  expect(jsonl(goodSnapshot.papers.toString('utf8'))).toHaveLength(2);
  goodParse = parseOk(goodPath);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('confscope CLI on bad inputs', () => {
  it('parses a good listing and prints the summary line on stderr', () => {
    const path = goodPath;
    const { r, records } = goodRecords();
    expect(records.map((x) => [x.title, x.authors, x.track, x.abstract])).toEqual([
      ['Learning to Parse Listings', ['Alice Smith', 'Bob Jones'], 'Poster', 'We parse listings.'],
      ['Robust Ingest for Everyone', ['Carol White'], 'Talk', 'Ingest is robust.'],
    ]);
    expect(records.map((x) => [x.source.startLine, x.source.endLine])).toEqual([
      [1, 4],
      [6, 9],
    ]);
    expect(r.stderr).toMatch(
      summaryRe(path, '2 records \\(1 Poster, 1 Talk; 0 untitled\\), 0 warnings'),
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('1. refuses an empty file (and a whitespace-only one)', () => {
    const empty = file('empty.md', '');
    expectRejected(run(['parse', empty]), `${empty}: the file is empty; expected a listing`);
    expectIngestRefused(empty, /empty/);
    const blank = file('blank.md', '  \n\n\t\n');
    expectRejected(run(['parse', blank]), `${blank}: the file has no text; expected a listing`);
  });

  it('2. refuses a binary file, naming file:line and expecting UTF-8 text', () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64),
    ]);
    const bin = file('image.png', png);
    // The NUL byte follows the header's two LF bytes: line 3.
    expectRejected(run(['parse', bin]), `${bin}:3: binary data`, /expected UTF-8 text/);
    expectIngestRefused(bin, `${bin}:3: binary data`);
    const late = file('late-nul.md', Buffer.from(`${GOOD}## Broken\0 title\n`));
    expectRejected(run(['parse', late]), `${late}:10: binary data`);
  });

  it('3. refuses invalid UTF-8, naming the line', () => {
    const bytes = Buffer.concat([
      Buffer.from(GOOD_LINES.slice(0, 5).join('\n') + '\n## Ti'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('tle\n\n- Dan Brown\n- abstract@open-review(Poster): Text.\n'),
    ]);
    const bad = file('bad-utf8.md', bytes);
    expectRejected(run(['parse', bad]), `${bad}:6: invalid UTF-8`, /save the file as UTF-8/);
    expectIngestRefused(bad, `${bad}:6: invalid UTF-8`);
  });

  it('4. refuses files that are not a listing (README-like markdown, CSV)', () => {
    const readme = file(
      'README.md',
      '# confscope\n\nA tool.\n\n## Install\n\n- npm install\n- run it\n\n## License\n\nMIT\n',
    );
    expectRejected(
      run(['parse', readme]),
      `${readme}:1: no abstract marker found`,
      /expected lines like "abstract@open-review\(Poster\): …"/,
      /does not look like a conference listing/,
    );
    expectIngestRefused(readme, /no abstract marker found/);
    const csv = file('papers.csv', 'id,title,abstract\n1,"A paper","An abstract, really"\n');
    expectRejected(run(['parse', csv]), `${csv}:1: no abstract marker found`, /not look like/);
    expectIngestRefused(csv, /no abstract marker found/);
  });

  it('5. keeps a record truncated after its author line, with track null and a warning', () => {
    const lines = [...GOOD_LINES, '## Truncated Record', '', '- Dan Brown'];
    const path = file('truncated.md', lines.join('\n') + '\n');
    const at = lineOf(lines, '## Truncated');
    const { r, records } = parseOk(path);
    expect(records).toHaveLength(3);
    expect(sansPath(records.slice(0, 2), path)).toEqual(sansPath(goodRecords().records, goodPath));
    const last = records[2];
    expect(last).toMatchObject({
      title: 'Truncated Record',
      authors: ['Dan Brown'],
      track: null,
      abstract: '',
      source: { startLine: at, endLine: at + 2 },
    });
    const w = `${path}:${at}: no abstract marker (expected "abstract@open-review(Track):"`;
    expect(last?.warnings.some((x) => x.startsWith(w))).toBe(true);
    expect(r.stderr).toContain(`warning: ${w}`);
    expect(r.stderr).toMatch(
      summaryRe(path, '3 records \\(1 Poster, 1 Talk, 1 unknown; 0 untitled\\), 1 warning'),
    );

    // Accepted with warnings: ingest succeeds and stores exactly what parse printed.
    const db = join(dir, 'truncated.db');
    const ing = run(['ingest', path, '--db', db, '--corpus', 'trunc']);
    expect(ing.status).toBe(0);
    expectNoStack(ing);
    expect(ing.stderr).toContain('3 added, 0 updated, 0 moved, 0 unchanged, 0 removed');
    expect(run(['export', '--db', db, '--corpus', 'trunc']).stdout).toBe(r.stdout);
  });

  const RICH_LINES = [
    '## Learning to Parse Listings',
    '',
    '- Alice Smith, Bob Jones',
    '- abstract@open-review(Poster): We parse listings that were',
    'printed over two lines.',
    '',
    'A second paragraph.',
    '',
    '## Robust Ingest for Everyone',
    '- Carol White',
    '- abstract@open-review(Workshop): Unknown track here.',
    '',
  ];

  it('6. reads CRLF (and lone CR) line endings like LF, with the same line numbers', () => {
    const lf = file('rich-lf.md', RICH_LINES.join('\n'));
    const crlf = file('rich-crlf.md', RICH_LINES.join('\r\n'));
    const cr = file('rich-cr.md', RICH_LINES.join('\r'));
    const a = parseOk(lf);
    const b = parseOk(crlf);
    const c = parseOk(cr);
    expect(a.records).toHaveLength(2);
    expect(a.records[0]?.abstract).toBe(
      'We parse listings that were printed over two lines.\n\nA second paragraph.',
    );
    expect(sansPath(b.records, crlf)).toEqual(sansPath(a.records, lf));
    expect(sansPath(c.records, cr)).toEqual(sansPath(a.records, lf));
    expect(b.r.stdout).not.toContain('\\r');
    expect(c.r.stdout).not.toContain('\\r');
    expect(b.r.stderr).toContain(`${crlf}:${lineOf(RICH_LINES, '- abstract@open-review(W')}:`);
  });

  it('7. drops a UTF-8 BOM at the start', () => {
    const plain = goodPath;
    const bom = file('bom.md', '\uFEFF' + GOOD);
    const bomCrlf = file('bom-crlf.md', '\uFEFF' + GOOD_LINES.join('\r\n'));
    const a = goodRecords().records;
    const b = parseOk(bom);
    expect(sansPath(b.records, bom)).toEqual(sansPath(a, plain));
    expect(b.records[0]?.title).toBe('Learning to Parse Listings');
    expect(b.r.stdout).not.toContain('\uFEFF');
    expect(b.r.stdout).not.toContain('\\ufeff');
    expect(sansPath(parseOk(bomCrlf).records, bomCrlf)).toEqual(sansPath(a, plain));
  });

  it('8. keeps HTML in a title literally with a markup warning; strips formatting markup', () => {
    const evil = '<script>alert(1)</script> Evil <img src=x onerror=alert(1)>';
    const lines = [
      `## ${evil}`,
      '',
      '- Alice Smith',
      '- abstract@open-review(Poster): Harmless text.',
      '',
      '## **Bold** <u>Under</u>',
      '',
      '- Bob Jones',
      '- abstract@open-review(Talk): More text.',
      '',
    ];
    const path = file('markup.md', lines.join('\n'));
    const { r, records } = parseOk(path);
    expect(records).toHaveLength(2);
    expect(records[0]?.title).toBe(evil);
    expect(records[0]?.warnings).toEqual([
      `${path}:1: title contains markup "<script>"; kept as text`,
    ]);
    expect(r.stderr).toContain(`warning: ${path}:1: title contains markup`);
    expect(records[1]?.title).toBe('Bold Under');
    expect(records[1]?.warnings).toEqual([]);

    // The title is data: stored and exported unchanged.
    const db = join(dir, 'markup.db');
    expect(run(['ingest', path, '--db', db, '--corpus', 'markup']).status).toBe(0);
    expect(run(['export', '--db', db]).stdout).toBe(r.stdout);
  });

  it('9. parses a 10 MB single-line abstract in reasonable time', () => {
    const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit ';
    const target = 10 * 1024 * 1024;
    const abstract = words
      .repeat(Math.ceil(target / words.length))
      .slice(0, target)
      .trim();
    const path = file(
      'huge.md',
      `## A Huge Abstract\n\n- Alice Smith\n- abstract@open-review(Spotlight): ${abstract}\n`,
    );
    const t0 = Date.now();
    const { r, records } = parseOk(path);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(records).toHaveLength(1);
    expect(records[0]?.track).toBe('Spotlight');
    expect(records[0]?.abstract.length).toBe(abstract.length);
    expect(Math.abs((records[0]?.abstract.length ?? 0) - target)).toBeLessThan(target / 100);
    expect(r.stderr).toMatch(summaryRe(path, '1 record \\(1 Spotlight; 0 untitled\\), 0 warnings'));
  });

  it('10. keeps an identical repeated record once; keeps same-title variants with distinct ids', () => {
    const rec = (abs: string) => [
      '## Learning to Parse Listings',
      '',
      '- Alice Smith, Bob Jones',
      `- abstract@open-review(Poster): ${abs}`,
      '',
    ];
    const lines = [...rec('Same.'), ...rec('Same.'), ...rec('Different.'), ...GOOD_LINES.slice(5)];
    const path = file('dupes.md', lines.join('\n'));
    const { r, records } = parseOk(path);
    expect(records.map((x) => [x.title, x.abstract])).toEqual([
      ['Learning to Parse Listings', 'Same.'],
      ['Learning to Parse Listings', 'Different.'],
      ['Robust Ingest for Everyone', 'Ingest is robust.'],
    ]);
    expect(new Set(records.map((x) => x.id)).size).toBe(3);
    expect(r.stderr).toContain(`warning: ${path}:6-9: record repeats lines 1-4; kept once`);
    expect(records[1]?.source.startLine).toBe(11);
    expect(records[1]?.warnings).toEqual([
      expect.stringContaining(
        `${path}:11: same title as the record at line 1 but different content`,
      ),
    ]);
    expect(r.stderr).toMatch(
      summaryRe(path, '3 records \\(2 Poster, 1 Talk; 0 untitled\\), 2 warnings'),
    );

    const db = join(dir, 'dupes.db');
    const ing = run(['ingest', path, '--db', db, '--corpus', 'dupes']);
    expect(ing.status).toBe(0);
    expect(ing.stderr).toContain('3 added, 0 updated, 0 moved, 0 unchanged, 0 removed');
    expect(run(['export', '--db', db]).stdout).toBe(r.stdout);
  });

  it('11. keeps a record with an unknown track, naming the line and the expected tracks', () => {
    const path = file('workshop.md', RICH_LINES.join('\n'));
    const at = lineOf(RICH_LINES, '- abstract@open-review(Workshop)');
    const { r, records } = parseOk(path);
    const rec = records[1];
    expect(rec).toMatchObject({
      title: 'Robust Ingest for Everyone',
      authors: ['Carol White'],
      track: null,
      abstract: 'Unknown track here.',
    });
    const w = `${path}:${at}: unknown track "Workshop" (expected Poster, Spotlight or Talk); kept with track null`;
    expect(rec?.warnings).toEqual([w]);
    expect(r.stderr).toContain(`warning: ${w}`);
    expect(r.stderr).toMatch(
      summaryRe(path, '2 records \\(1 Poster, 1 unknown; 0 untitled\\), 1 warning'),
    );
  });

  it('12. refuses a missing file and a directory with a clear message', () => {
    const missing = join(dir, 'no-such-file.md');
    expectRejected(run(['parse', missing]), `${missing}: cannot read the file`, /no such file/);
    expectIngestRefused(missing, `${missing}: cannot read the file`);
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expectRejected(run(['parse', sub]), `${sub}: not a regular file`);
    expectIngestRefused(sub, `${sub}: not a regular file`);
  });

  it('13. writes --format json and --format csv that parse back to the same records', () => {
    const lines = [
      '## Commas, "Quotes" and Links',
      '',
      '- Alice Smith, Bob Jones',
      '- abstract@open-review(Poster): We use a, b and "c"; see https://example.org/x.',
      '',
      'Second paragraph.',
      '',
      ...GOOD_LINES.slice(5),
      '## Truncated Record',
      '- Dan Brown',
    ];
    const path = file('formats.md', lines.join('\n'));
    const records = parseOk(path).records;
    expect(records).toHaveLength(3);

    const json = parseOk(path, '--format', 'json').r;
    expect(JSON.parse(json.stdout)).toEqual(records);

    const csv = parseOk(path, '--format', 'csv').r;
    const rows = parseCsv(csv.stdout);
    expect(rows[0]).toEqual([
      'id',
      'title',
      'authors',
      'track',
      'abstract',
      'links',
      'source_path',
      'start_line',
      'end_line',
      'warnings',
    ]);
    expect(rows).toHaveLength(records.length + 1);
    rows.slice(1).forEach((row, i) => {
      const rec = records[i];
      if (!rec) throw new Error('row without record');
      expect(row).toEqual([
        rec.id,
        rec.title ?? '',
        rec.authors.join('; '),
        rec.track ?? '',
        rec.abstract,
        rec.links.join(' '),
        rec.source.path,
        String(rec.source.startLine),
        String(rec.source.endLine),
        rec.warnings.join(' | '),
      ]);
    });
    expect(rows[1]?.[4]).toContain('\n\nSecond paragraph.');
    expect(rows[1]?.[5]).toBe('https://example.org/x');
  });

  // Only program-level errors here: an unknown option or bad --format value on a subcommand
  // (`parse x --bogus`) currently exits 1, not 2 (exitOverride is set after the subcommands
  // were created, so they do not inherit it) — reported, not pinned.
  it('14. exits 2 with a usage hint on an unknown command or option', () => {
    for (const args of [['frobnicate'], ['--bogus']]) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: unknown (command 'frobnicate'|option '--bogus')/);
      expect(r.stderr).toContain('--help');
      expectNoStack(r);
    }
  });

  it('14b. exits 2 on usage errors of a sub-command too', () => {
    const good = file('usage.md', GOOD);
    for (const args of [
      ['parse', good, '--bogus'],
      ['parse', good, '--format', 'xml'],
      ['parse'],
      ['export', '--nope'],
    ]) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expectNoStack(r);
    }
  });

  it('3b. names the right line of a bad byte in a file with lone-CR line endings', () => {
    const cr = file(
      'cr.md',
      Buffer.concat([
        Buffer.from('## A\r- B\r- abstract@open-review(Poster): x.\r\r## Ti'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('tle\r'),
      ]),
    );
    expectRejected(run(['parse', cr]), `${cr}:5: invalid UTF-8`);
  });

  it('12b. creates no database file for a refused ingest or a read of a missing database', () => {
    const empty = file('empty2.md', '');
    const fresh = join(dir, 'never-created.db');
    expectRejected(run(['ingest', empty, '--db', fresh]), /empty/);
    expect(existsSync(fresh)).toBe(false);
    expectRejected(run(['export', '--db', fresh]), `${fresh}: no database there`);
    expectRejected(run(['corpora', '--db', fresh]), `${fresh}: no database there`);
    expect(existsSync(fresh)).toBe(false);
  });

  it('15. ingest is idempotent, and one edited abstract is exactly one update', () => {
    const lines = [
      ...GOOD_LINES,
      '## A Third Paper',
      '',
      '- Dan Brown',
      '- abstract@open-review(Spotlight): Third abstract.',
      '',
    ];
    const path = file('idem.md', lines.join('\n'));
    const db = join(dir, 'idem.db');
    const ingest = () => {
      const r = run(['ingest', path, '--db', db, '--corpus', 'idem']);
      expect(r.status).toBe(0);
      expectNoStack(r);
      return r.stderr;
    };
    expect(ingest()).toContain('3 added, 0 updated, 0 moved, 0 unchanged, 0 removed');
    const first = snapshot(db);
    expect(ingest()).toContain('0 added, 0 updated, 0 moved, 3 unchanged, 0 removed');
    const second = snapshot(db);
    expect(second.papers.equals(first.papers)).toBe(true);
    expect(second.corpora).toBe(first.corpora);

    writeFileSync(path, lines.join('\n').replace('Ingest is robust.', 'Ingest is very robust.'));
    expect(ingest()).toContain('0 added, 1 updated, 0 moved, 2 unchanged, 0 removed');
    const after = jsonl(run(['export', '--db', db, '--corpus', 'idem']).stdout);
    expect(after.map((x) => x.abstract)).toEqual([
      'We parse listings.',
      'Ingest is very robust.',
      'Third abstract.',
    ]);
  });
});

/** A small RFC 4180 reader (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text.charAt(i + 1) === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
