// The web explorer: bundle sizes of dist/web (initial vs loaded-on-demand, raw and gzip), time
// to first results in Chromium (cold load of a search URL, median of 5), and the map's draw time
// with 100k points (the /api/map answer replaced by a synthetic one in the browser).

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { ensureDefaultCorpus, openStore } from '../src/app/index.js';
import { startServer } from '../src/server/index.js';
import { quantile, table } from './util.js';
import { CHROMIUM_ARGS as ARGS, CHROMIUM_PATH as CHROMIUM } from './chromium.js';

function webRoot(): string | undefined {
  // dist/bench/web.js → dist/web; bench/web.ts (run from source) → dist/web too.
  return ['../web', '../dist/web']
    .map((p) => fileURLToPath(new URL(p, import.meta.url)))
    .find((p) => existsSync(join(p, 'index.html')));
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

function sizes(root: string): { md: string; initialGzip: number } {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const initial = new Set(
    [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? ''),
  );
  const files = readdirSync(join(root, 'assets'))
    .map((f) => `assets/${f}`)
    .filter((f) => /\.(js|css|woff2)$/.test(f));
  const rows: { file: string; kind: string; load: string; raw: number; gz: number }[] = files.map(
    (f) => {
      const buf = readFileSync(join(root, f));
      const kind = f.endsWith('.js') ? 'JS' : f.endsWith('.css') ? 'CSS' : 'font';
      return {
        file: f.replace(/-[\w-]{8}\./, '.'),
        kind,
        load: initial.has(f) ? 'initial' : 'on demand',
        raw: statSync(join(root, f)).size,
        gz: kind === 'font' ? buf.length : gzipSync(buf, { level: 9 }).length,
      };
    },
  );
  const sum = (pred: (r: (typeof rows)[number]) => boolean, k: 'raw' | 'gz') =>
    rows.filter(pred).reduce((a, r) => a + r[k], 0);
  const groups: [string, (r: (typeof rows)[number]) => boolean][] = [
    ['initial JS', (r) => r.load === 'initial' && r.kind === 'JS'],
    ['initial CSS', (r) => r.load === 'initial' && r.kind === 'CSS'],
    ['on-demand JS', (r) => r.load !== 'initial' && r.kind === 'JS'],
    ['on-demand CSS', (r) => r.load !== 'initial' && r.kind === 'CSS'],
    ['KaTeX fonts (woff2, on demand)', (r) => r.kind === 'font'],
  ];
  const detail = rows
    .filter((r) => r.kind !== 'font')
    .sort((a, b) => a.load.localeCompare(b.load) || b.gz - a.gz)
    .map((r) => [r.file, r.load, kb(r.raw), kb(r.gz)]);
  const md = [
    table(
      ['bundle', 'raw', 'gzip'],
      groups.map(([name, p]) => [name, kb(sum(p, 'raw')), kb(sum(p, 'gz'))]),
    ),
    '',
    table(['file', 'loaded', 'raw', 'gzip'], detail),
  ].join('\n');
  return { md, initialGzip: sum(groups[0]?.[1] ?? (() => false), 'gz') };
}

/** A synthetic map of n points in clusters, shaped like /api/map. */
function syntheticMap(n: number): string {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const centers = Array.from({ length: 13 }, (): [number, number] => [
    0.1 + 0.8 * rnd(),
    0.1 + 0.8 * rnd(),
  ]);
  const points = [];
  for (let i = 0; i < n; i++) {
    const c = i % 13;
    const [cx, cy] = centers[c] ?? [0.5, 0.5];
    const g = () => (rnd() + rnd() + rnd() - 1.5) * 0.12;
    points.push({
      id: i.toString(16).padStart(12, '0'),
      x: Math.min(1, Math.max(0, cx + g())),
      y: Math.min(1, Math.max(0, cy + g())),
      broad: `t${c + 1}`,
      fine: `t${c + 1}.${(i % 5) + 1}`,
      track: i % 10 === 0 ? 'Talk' : i % 5 === 0 ? 'Spotlight' : 'Poster',
      title: `Synthetic paper ${i}`,
    });
  }
  const labels = centers.map(([x, y], c) => ({
    topicId: `t${c + 1}`,
    label: `Area ${c + 1}`,
    level: 1,
    x,
    y,
    size: Math.round(n / 13),
  }));
  return JSON.stringify({ points, labels });
}

export async function benchWeb(runs = 5): Promise<string> {
  const root = webRoot();
  if (!root) return '## Web explorer\n\nNo built UI (dist/web): run `npm run build` first.';
  const { md: sizeTable } = sizes(root);
  const out = [
    '## Web explorer',
    '',
    'Bundle sizes (`dist/web`; gzip level 9):',
    '',
    sizeTable,
    '',
  ];
  if (!existsSync(CHROMIUM)) {
    out.push(`Chromium not found at ${CHROMIUM}: browser timings skipped.`);
    return out.join('\n');
  }
  const dir = mkdtempSync(join(tmpdir(), 'confscope-web-bench-'));
  const store = await openStore(join(dir, 'bench.db'));
  await ensureDefaultCorpus(store);
  const server = await startServer(store, { port: 0, host: '127.0.0.1', webRoot: root });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const poll = async (page: Page, expr: string, timeout = 20_000) => {
      const end = Date.now() + timeout;
      while (!(await page.evaluate<boolean>(expr))) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${expr}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    // Time to first results: a fresh context each run (cold HTTP cache), measured in the page
    // from navigation start to the app's first-results mark.
    const marks: number[] = [];
    const walls: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await ctx.newPage();
      const t0 = performance.now();
      await page.goto(`${server.url}/?q=graph%20neural%20networks`);
      await poll(page, `!!document.querySelector('li.hit')`);
      const wall = performance.now() - t0;
      const mark = await page.evaluate<number>(
        `performance.getEntriesByName('confscope:first-results')[0]?.startTime ?? NaN`,
      );
      await ctx.close();
      if (i === 0) continue; // warm-up: server caches, Chromium start
      marks.push(mark);
      walls.push(wall);
    }
    marks.sort((a, b) => a - b);
    walls.sort((a, b) => a - b);

    // The map with 100k synthetic points: first draw and the draws while zooming.
    const body = syntheticMap(100_000);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.route('**/api/map', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body }),
    );
    const m0 = performance.now();
    await page.goto(`${server.url}/map`);
    await poll(page, `!!document.querySelector('canvas[data-points="100000"]')`, 60_000);
    const mapReady = performance.now() - m0;
    const draws: number[] = [];
    const box = await page.locator('canvas.map-canvas').boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < 12; i++) {
        await page.mouse.wheel(0, i < 6 ? -240 : 240);
        await page.waitForTimeout(60);
        draws.push(Number(await page.locator('canvas.map-canvas').getAttribute('data-draw-ms')));
      }
      for (let i = 0; i < 6; i++) {
        await page.mouse.move(box.x + box.width / 2 + i * 30, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width / 2 + i * 30 + 80, box.y + box.height / 2 + 40, {
          steps: 4,
        });
        await page.mouse.up();
        await page.waitForTimeout(60);
        draws.push(Number(await page.locator('canvas.map-canvas').getAttribute('data-draw-ms')));
      }
    }
    await ctx.close();
    draws.sort((a, b) => a - b);
    out.push(
      `Chromium (headless, software rendering), ${runs} cold loads after a warm-up:`,
      '',
      table(
        ['measure', 'median ms', 'max ms'],
        [
          [
            'first results of /?q=graph neural networks (navigation start → rendered)',
            quantile(marks, 0.5),
            marks[marks.length - 1] ?? NaN,
          ],
          ['same, wall clock from page.goto', quantile(walls, 0.5), walls[walls.length - 1] ?? NaN],
          ['map with 100k points: load, parse, index and first draw', mapReady, mapReady],
          [
            `map with 100k points: one redraw while zooming/panning (${draws.length} draws)`,
            quantile(draws, 0.5),
            draws[draws.length - 1] ?? NaN,
          ],
        ],
      ),
    );
  } finally {
    await browser.close();
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out.join('\n');
}

// `node dist/bench/web.js` runs this benchmark alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  console.log(await benchWeb());
