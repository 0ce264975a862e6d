// The web map with 100k points in Chromium (web/src/map/renderer.ts): time to first draw and
// frame times while panning and zooming. The real server serves the built UI (dist/web) and the
// ICLR 2020 store; the /api/map answer is replaced in the browser by a synthetic map of n points
// shaped like the real one (clusters, ~20 areas with 5 sub-topics each, level-1 and level-2
// labels). Frame times are the intervals between requestAnimationFrame timestamps while the
// mouse drags or the wheel turns (one redraw a frame), plus the renderer's own draw time.
//
//   npm run build --silent && node dist/bench/map-web.js [--points 100000] [--dpr 1]

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { ensureDefaultCorpus, openStore } from '../src/app/index.js';
import { mulberry32 } from '../src/core/random.js';
import { startServer } from '../src/server/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { quantile, table } from './util.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return process.argv[i + 1] !== undefined && i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

/** A synthetic /api/map body: n points in ~`areas` clustered areas with 5 sub-topics each. */
export function syntheticMapBody(n: number, areas = 20): string {
  const rand = mulberry32(4242);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const centres = Array.from({ length: areas }, () => [0.1 + 0.8 * rand(), 0.1 + 0.8 * rand()]);
  const subs = centres.map(([x = 0.5, y = 0.5]) =>
    Array.from({ length: 5 }, () => [x + 0.05 * gauss(), y + 0.05 * gauss()]),
  );
  const points = [];
  // Area sizes follow a rough power law, as topic sizes do.
  const weight = centres.map((_, a) => 1 / (a + 2));
  const total = weight.reduce((s, w) => s + w, 0);
  for (let i = 0; i < n; i++) {
    let u = rand() * total;
    let a = 0;
    while (a < areas - 1 && u > (weight[a] ?? 0)) u -= weight[a++] ?? 0;
    const f = Math.floor(rand() * 5);
    const [cx = 0.5, cy = 0.5] = subs[a]?.[f] ?? [];
    const r = rand();
    points.push({
      id: `p${i.toString(16).padStart(8, '0')}`,
      x: Math.min(1, Math.max(0, cx + 0.03 * gauss())),
      y: Math.min(1, Math.max(0, cy + 0.03 * gauss())),
      broad: `t${a + 1}`,
      fine: `t${a + 1}.${f + 1}`,
      track: r < 0.02 ? 'Talk' : r < 0.08 ? 'Spotlight' : r < 0.95 ? 'Poster' : null,
      title: `Synthetic paper ${i} on topic ${a + 1}.${f + 1}`,
    });
  }
  const labels = centres.flatMap(([x = 0.5, y = 0.5], a) => [
    {
      topicId: `t${a + 1}`,
      label: `Area ${a + 1} label words`,
      level: 1,
      x,
      y,
      size: Math.round((n * (weight[a] ?? 0)) / total),
    },
    ...(subs[a] ?? []).map(([sx = 0.5, sy = 0.5], f) => ({
      topicId: `t${a + 1}.${f + 1}`,
      label: `Sub-topic ${a + 1}.${f + 1}`,
      level: 2,
      x: sx,
      y: sy,
      size: Math.round((n * (weight[a] ?? 0)) / total / 5),
    })),
  ]);
  return JSON.stringify({ points, labels });
}

interface Frames {
  /** rAF intervals (ms). */
  intervals: number[];
  /** Renderer draw times of the frames that drew (ms). */
  draws: number[];
  /** Durations of main-thread tasks over 50 ms (ms). */
  longTasks: number[];
}

/** Record rAF intervals and draw times while `drive` runs. */
async function record(page: Page, drive: () => Promise<void>): Promise<Frames> {
  // In the page (a string: this file is compiled without the DOM types).
  await page.evaluate(`(() => {
    const rec = { t: [], d: [], lt: [], on: true };
    window.__rec = rec;
    // Main-thread tasks over 50 ms (JS, style, layout, paint) while recording.
    rec.obs = new PerformanceObserver((l) => {
      for (const e of l.getEntries()) rec.lt.push(e.duration);
    });
    rec.obs.observe({ type: 'longtask' });
    const canvas = document.querySelector('canvas.map-canvas');
    let last = canvas.dataset.draws ?? '';
    const loop = (t) => {
      if (!rec.on) return;
      rec.t.push(t);
      // The renderer counts its draws: a new one since the last frame?
      const now = canvas.dataset.draws ?? '';
      if (now !== last) rec.d.push(Number(canvas.dataset.drawMs));
      last = now;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  })()`);
  await drive();
  const rec = await page.evaluate<{ t: number[]; d: number[]; lt: number[] }>(
    `(() => { const r = window.__rec; r.on = false; r.obs.disconnect(); return { t: r.t, d: r.d, lt: r.lt }; })()`,
  );
  const intervals: number[] = [];
  for (let i = 1; i < rec.t.length; i++) intervals.push((rec.t[i] ?? 0) - (rec.t[i - 1] ?? 0));
  return { intervals, draws: rec.d, longTasks: rec.lt };
}

async function main(): Promise<void> {
  const n = Number(arg('points', '100000'));
  const dpr = Number(arg('dpr', '1'));
  const webRoot = ['../web', '../dist/web']
    .map((p) => fileURLToPath(new URL(p, import.meta.url)))
    .find((p) => existsSync(join(p, 'index.html')));
  if (!webRoot) {
    console.log('No built UI (dist/web): run `npm run build` first.');
    return;
  }
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`Chromium not found at ${CHROMIUM_PATH}.`);
    return;
  }
  const body = syntheticMapBody(n);
  const dir = mkdtempSync(join(tmpdir(), 'confscope-map-web-'));
  const store = await openStore(join(dir, 'bench.db'));
  await ensureDefaultCorpus(store);
  const server = await startServer(store, { port: 0, host: '127.0.0.1', webRoot });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const rows: (string | number)[][] = [];
  const fmt = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return [quantile(s, 0.5), quantile(s, 0.95), s[s.length - 1] ?? NaN];
  };
  const rowOf = (label: string, f: Frames) => {
    const [i50, i95, imax] = fmt(f.intervals);
    const [d50, d95] = fmt(f.draws);
    return [
      label,
      `${f.intervals.length} / ${f.draws.length}`,
      (i50 ?? NaN).toFixed(1),
      (i95 ?? NaN).toFixed(1),
      (imax ?? NaN).toFixed(1),
      (d50 ?? NaN).toFixed(1),
      (d95 ?? NaN).toFixed(1),
      `${f.longTasks.length}, ${f.longTasks.reduce((a, b) => a + b, 0).toFixed(0)} ms`,
    ];
  };
  try {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: dpr,
    });
    const page = await ctx.newPage();
    await page.route('**/api/map', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body }),
    );
    const t0 = performance.now();
    await page.goto(`${server.url}/map`);
    await page.waitForSelector(`canvas.map-canvas[data-points="${n}"]`, { timeout: 120_000 });
    const wall = performance.now() - t0;
    const inPage = await page.evaluate<number>('performance.now()');
    // When the /api/map answer had arrived (the rest is parsing, indexing and drawing).
    const received = await page.evaluate<number>(
      `performance.getEntriesByType('resource').find((e) => e.name.includes('/api/map'))?.responseEnd ?? NaN`,
    );
    const firstDraw = Number(
      await page.locator('canvas.map-canvas').getAttribute('data-draw-ms', { timeout: 5000 }),
    );
    rows.push([
      `first draw (navigation → ${n.toLocaleString('en')} points on the canvas)`,
      `${inPage.toFixed(0)} ms from navigation (${(body.length / 2 ** 20).toFixed(1)} MB of JSON received at ${received.toFixed(0)} ms), ${wall.toFixed(0)} ms wall; the first draw itself ${firstDraw.toFixed(1)} ms`,
      '',
      '',
      '',
      '',
      '',
    ]);
    const box = await page.locator('canvas.map-canvas').boundingBox();
    if (!box) throw new Error('no canvas box');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.waitForTimeout(300);

    const scenario = async (label: string, drive: () => Promise<void>) => {
      rows.push(rowOf(label, await record(page, drive)));
    };
    const pan = async (steps: number) => {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let i = 0; i < steps; i++)
        await page.mouse.move(cx + 200 * Math.sin(i / 15), cy + 120 * Math.sin(i / 23));
      await page.mouse.up();
    };
    const wheel = async (steps: number) => {
      await page.mouse.move(cx + 40, cy - 30);
      for (let i = 0; i < steps; i++) {
        await page.mouse.wheel(0, i < steps / 2 ? -60 : 60);
        await page.waitForTimeout(8);
      }
    };
    await scenario('pan, whole map in view (zoom 1)', () => pan(110));
    await scenario('wheel zoom in to ~8× and back out', () => wheel(100));
    // Zoomed in (wheel: e^(0.0015 × 1200) ≈ 6×): most points culled.
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -150);
    await page.waitForTimeout(300);
    await scenario('pan, zoomed in (~6×)', () => pan(110));
    await ctx.close();

    // A topic highlighted (two passes and rings): /map?focus=t1.
    const ctx2 = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: dpr,
    });
    const page2 = await ctx2.newPage();
    await page2.route('**/api/map', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body }),
    );
    await page2.goto(`${server.url}/map?focus=t1&v=1,0.5,0.5`);
    await page2.waitForSelector(`canvas.map-canvas[data-points="${n}"]`, { timeout: 120_000 });
    await page2.waitForTimeout(300);
    const box2 = await page2.locator('canvas.map-canvas').boundingBox();
    if (box2) {
      const f = await record(page2, async () => {
        await page2.mouse.move(box2.x + box2.width / 2, box2.y + box2.height / 2);
        await page2.mouse.down();
        for (let i = 0; i < 110; i++)
          await page2.mouse.move(
            box2.x + box2.width / 2 + 200 * Math.sin(i / 15),
            box2.y + box2.height / 2 + 120 * Math.sin(i / 23),
          );
        await page2.mouse.up();
      });
      rows.push(rowOf('pan with a topic highlighted (?focus=t1, zoom 1)', f));
    }
    await ctx2.close();
  } finally {
    await browser.close();
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    [
      `## Web map: ${n.toLocaleString('en')} points in Chromium (headless, software rendering, 1280×800, devicePixelRatio ${dpr})`,
      '',
      table(
        [
          'scenario',
          'frames / draws',
          'frame p50 ms',
          'frame p95 ms',
          'frame max ms',
          'draw p50 ms',
          'draw p95 ms',
          'long tasks (> 50 ms), total',
        ],
        rows,
      ),
    ].join('\n'),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
