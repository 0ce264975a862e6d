// The web explorer in a real browser: Debian's Chromium driven by playwright-core, against the
// real server (in-process, loopback) serving the built UI from dist/web (`npm test` builds it).
// Covers the main journey (search → paper → similar paper → reading list → exports and their
// round trip), the map canvas, hostile corpus text (XSS), and axe-core accessibility checks in
// both themes. Set CONFSCOPE_SCREENSHOTS=1 to refresh docs/screenshots/ (otherwise the
// screenshots are still taken, into a temporary folder).

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultCorpus, ingestFile, openStore } from '../src/app/index.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import type { Store } from '../src/store/types.js';
import { CHROMIUM_ARGS as ARGS, CHROMIUM_PATH as CHROMIUM } from '../bench/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const webRoot = join(root, 'dist', 'web');
const tmp = mkdtempSync(join(tmpdir(), 'confscope-browser-'));
const shotsDir = process.env['CONFSCOPE_SCREENSHOTS']
  ? join(root, 'docs', 'screenshots')
  : join(tmp, 'screenshots');
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const LIST_KEY = 'confscope.readingList.v1';

let browser: Browser;
let store: Store | undefined;
let evilStore: Store | undefined;
let server: RunningServer;
let evil: RunningServer;
let launched: Browser | undefined;
const servers: RunningServer[] = [];
const contexts: BrowserContext[] = [];

// Without Chromium every test fails with this message (not skipped: CI installs Chromium).
const missing = existsSync(CHROMIUM)
  ? null
  : `Chromium is not installed at ${CHROMIUM}: the browser tests need Debian's chromium ` +
    '(`apt-get install -y --no-install-recommends chromium`; .ci/run installs it).';

function needChromium(): void {
  if (missing) throw new Error(missing);
}

beforeAll(async () => {
  if (missing) return;
  if (!existsSync(join(webRoot, 'index.html')))
    throw new Error(`no built web UI in ${webRoot}: run \`npm run build\` first (npm test does)`);
  store = openStore(join(tmp, 'browser.db'));
  evilStore = openStore(join(tmp, 'evil.db'));
  const listing = join(tmp, 'evil.md');
  writeFileSync(listing, hostileListing());
  await ingestFile(evilStore, listing, { corpus: 'evil' });
  [browser] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30_000 }),
    ensureDefaultCorpus(store),
  ]);
  launched = browser;
  [server, evil] = await Promise.all([
    startServer(store, { port: 0, host: '127.0.0.1', webRoot }),
    startServer(evilStore, { port: 0, host: '127.0.0.1', webRoot }),
  ]);
  servers.push(server, evil);
  mkdirSync(shotsDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await launched?.close().catch(() => undefined);
  for (const s of servers) await s.close();
  await store?.close();
  await evilStore?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh context; `bypassCSP` only where axe-core must be injected (and for the XSS pages). */
async function newPage(
  opts: {
    viewport?: { width: number; height: number };
    dark?: boolean;
    bypassCSP?: boolean;
  } = {},
): Promise<{ page: Page; errors: string[] }> {
  const ctx = await browser.newContext({
    viewport: opts.viewport ?? LAPTOP,
    colorScheme: opts.dark ? 'dark' : 'light',
    bypassCSP: opts.bypassCSP ?? false,
    acceptDownloads: true,
    reducedMotion: 'reduce',
  });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Failed API calls (an unknown id on purpose) are reported below by URL instead.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (r.status() >= 400 && !url.pathname.startsWith('/api/'))
      errors.push(`HTTP ${r.status()} ${url.pathname}`);
  });
  page.on('dialog', (d) => {
    if (d.type() === 'confirm') void d.accept();
    else {
      errors.push(`dialog: ${d.type()} ${d.message()}`);
      void d.dismiss();
    }
  });
  return { page, errors };
}

async function api<T>(path: string, base = server.url): Promise<T> {
  const res = await fetch(base + path);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

interface Paper {
  id: string;
  title: string | null;
  authors: string[];
}

async function firstHit(q: string): Promise<Paper> {
  const r = await api<{ hits: Paper[] }>(`/api/search?q=${encodeURIComponent(q)}&limit=1`);
  const hit = r.hits[0];
  if (!hit) throw new Error(`no hit for ${q}`);
  return hit;
}

function bibEscape(s: string): string {
  return s.replace(/[{}\\&%#_]/g, (c) => (c === '\\' ? '\\textbackslash{}' : `\\${c}`));
}

/** Waits until the page shows what it loads (results, paper and math, map, lists). */
async function ready(page: Page, timeout = 15_000): Promise<void> {
  // Polled with evaluate: waitForFunction compiles its predicate with eval, which the CSP forbids.
  const probe = `(() => {
    const main = document.querySelector('main');
    if (!main || main.querySelector('.status[role=status]')?.textContent === 'Loading…') return false;
    if (main.classList.contains('page-search'))
      return !!main.querySelector('li.hit') && !main.querySelector('[aria-busy=true]');
    if (main.classList.contains('page-paper'))
      return !!main.querySelector('h1') && !!main.querySelector('.similar-list, .similar p') &&
        !main.querySelector('.math-pending');
    if (main.classList.contains('page-map'))
      return !!main.querySelector('canvas[data-points]') && !!main.querySelector('.legend');
    if (main.classList.contains('page-topics')) return !!main.querySelector('.topic-card');
    if (main.classList.contains('page-topic') || main.classList.contains('page-author'))
      return !!main.querySelector('.paper-row');
    if (main.classList.contains('page-list')) return !!main.querySelector('.paper-row, .empty');
    return !!main.querySelector('h1');
  })()`;
  const end = Date.now() + timeout;
  while (!(await page.evaluate<boolean>(probe))) {
    if (Date.now() > end) throw new Error(`page not ready after ${timeout} ms: ${page.url()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function listIds(page: Page): Promise<string[]> {
  const raw = await page.evaluate<string | null>(`localStorage.getItem('${LIST_KEY}')`);
  return raw ? (JSON.parse(raw) as { id: string }[]).map((i) => i.id) : [];
}

async function shot(page: Page, name: string): Promise<void> {
  const buf = await page.screenshot({ path: join(shotsDir, `${name}.png`) });
  expect(buf.length).toBeGreaterThan(5000);
}

describe('web explorer in Chromium', () => {
  it('search → paper → similar paper → reading list → BibTeX, and every export round-trips', async () => {
    needChromium();
    const { page, errors } = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.url,
    });
    await page.goto(`${server.url}/`);
    await ready(page);
    // Keyboard first: `/` focuses the box; results come as you type.
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.id')).toBe('search-input');
    await page.keyboard.type('nucleus sampling', { delay: 20 });
    const want = 'The Curious Case of Neural Text Degeneration';
    await page.locator('li.hit a.hit-link', { hasText: want }).first().waitFor();
    expect(await page.locator('li.hit a.hit-link').first().textContent()).toBe(want);
    expect(page.url()).toContain('q=nucleus+sampling');
    expect(await page.locator('li.hit').first().locator('mark').count()).toBeGreaterThan(0);
    // A facet adds a filter to the query and to the URL.
    await page.getByRole('button', { name: /^Poster/ }).click();
    await page.waitForURL(/track%3Aposter/);
    await expect
      .poll(() => page.locator('#search-input').inputValue())
      .toBe('nucleus sampling track:poster');
    // ArrowDown moves into the results; Enter opens the paper.
    await page.locator('#search-input').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(want);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/paper\/[0-9a-f]{12}$/);
    await ready(page);
    expect(await page.locator('h1').textContent()).toBe(want);

    // A similar paper.
    const similar = page.locator('a.similar-link').first();
    const similarTitle = (await similar.textContent()) ?? '';
    const firstUrl = page.url();
    await similar.click();
    await page.waitForURL((u) => u.href !== firstUrl && /\/paper\//.test(u.pathname));
    await ready(page);
    expect(await page.locator('h1').textContent()).toBe(similarTitle);
    const id = page.url().split('/paper/')[1] ?? '';
    const paper = await api<Paper>(`/api/papers/${id}`);

    // Copy BibTeX and add to the reading list.
    await page.getByRole('button', { name: 'Copy BibTeX' }).click();
    await page.getByText('BibTeX copied to the clipboard').waitFor();
    const clip = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(clip).toMatch(/^@inproceedings\{[a-z]+2020[a-z0-9]*,\n/);
    expect(clip).toContain(`title = {${bibEscape(paper.title ?? '(untitled)')}}`);
    const add = page.getByRole('button', { name: /Add to reading list/ });
    await add.click();
    await expect.poll(() => listIds(page)).toEqual([id]);
    expect(await page.locator('.list-btn[aria-pressed=true]').count()).toBeGreaterThan(0);

    // The reading list page, its BibTeX export.
    await page.getByRole('link', { name: /Reading list/ }).click();
    await page.waitForURL(/\/list$/);
    await ready(page);
    expect(await page.locator('.paper-row').count()).toBe(1);
    const download = async (label: string) => {
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: label, exact: true }).click(),
      ]);
      const path = join(tmp, `${Date.now()}-${dl.suggestedFilename()}`);
      await dl.saveAs(path);
      return { path, name: dl.suggestedFilename(), text: readFileSync(path, 'utf8') };
    };
    const bib = await download('BibTeX');
    expect(bib.name).toBe('reading-list.bib');
    expect(bib.text).toMatch(/^@inproceedings\{[a-z]+2020[a-z0-9]*,$/m);
    expect(bib.text).toContain(`title = {${bibEscape(paper.title ?? '(untitled)')}}`);
    expect(bib.text).toContain(`author = {${paper.authors.map(bibEscape).join(' and ')}}`);
    expect(bib.text).toContain(
      'booktitle = {International Conference on Learning Representations (ICLR)}',
    );
    expect(bib.text).toContain('year = {2020}');

    // Import a few more by id, then each export must bring back exactly the same ids.
    const more = [
      (await firstHit('nucleus sampling')).id,
      (await firstHit('title:"Reformer"')).id,
      (await firstHit('Gradient ell_1 regularization quantization robustness')).id,
    ];
    await page.locator('#import-ids').fill(`${more.join('\n')}\n000000000000`);
    await page.getByRole('button', { name: 'Import ids' }).click();
    await page.locator('.import-status', { hasText: /3 added/ }).waitFor();
    await expect.poll(() => page.locator('.paper-row').count()).toBe(4);
    const ids = await listIds(page);
    expect(ids).toEqual([id, ...more]);
    for (const label of ['BibTeX', 'CSV', 'Markdown', 'RIS']) {
      const file = await download(label);
      for (const x of ids) expect(file.text, label).toContain(x);
      await page.getByRole('button', { name: 'Clear the list' }).click();
      await page.locator('.empty').waitFor();
      expect(await listIds(page)).toEqual([]);
      await page.locator('#import-file').setInputFiles(file.path);
      await page.locator('.import-status', { hasText: `${ids.length} added` }).waitFor();
      expect(await listIds(page), label).toEqual(ids);
    }
    // "More like these" answers with other papers.
    await page.getByRole('button', { name: /Recommend papers like these/ }).click();
    await page.locator('.recs .paper-row').first().waitFor();
    expect(errors).toEqual([]);
  });

  it('draws the map on a canvas; hover shows a card, a click opens the paper, shift-drag selects', async () => {
    needChromium();
    const { page, errors } = await newPage();
    await page.goto(`${server.url}/map`);
    await ready(page);
    const px = await page.evaluate<{
      painted: number;
      total: number;
      cands: [number, number][];
    }>(`(() => {
      const c = document.querySelector('canvas.map-canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const bg = [d[0], d[1], d[2]];
      let painted = 0;
      const cands = [];
      for (let y = 0; y < c.height; y += 2)
        for (let x = 0; x < c.width; x += 2) {
          const i = (y * c.width + x) * 4;
          const r = d[i], g = d[i + 1], b = d[i + 2];
          if (Math.abs(r - bg[0]) + Math.abs(g - bg[1]) + Math.abs(b - bg[2]) < 40) continue;
          painted++;
          // saturated pixels are points (labels are drawn in the text colour)
          if (Math.max(r, g, b) - Math.min(r, g, b) > 70 && cands.length < 4000) cands.push([x, y]);
        }
      return { painted, total: (c.width * c.height) / 4, cands };
    })()`);
    expect(px.painted).toBeGreaterThan(1000);
    expect(px.painted).toBeLessThan(px.total);
    expect(px.cands.length).toBeGreaterThan(100);
    const box = await page.locator('canvas.map-canvas').boundingBox();
    if (!box) throw new Error('no canvas box');
    let target: [number, number] | undefined;
    for (let k = 0; k < 40 && !target; k++) {
      const c = px.cands[Math.floor((k * 7919) % px.cands.length)];
      if (!c) continue;
      await page.mouse.move(box.x + c[0], box.y + c[1]);
      const shown = await page
        .locator('.hover-card')
        .waitFor({ timeout: 400 })
        .then(
          () => true,
          () => false,
        );
      if (shown) target = c;
    }
    if (!target) throw new Error('no point showed a hover card');
    const hovered = await page.locator('.hover-card').getAttribute('data-id');
    expect((await page.locator('.hover-card strong').textContent())?.length).toBeGreaterThan(0);
    await page.mouse.click(box.x + target[0], box.y + target[1]);
    await page.waitForURL(/\/paper\/[0-9a-f]{12}/);
    expect(page.url()).toContain(`/paper/${hovered ?? ''}`);
    await ready(page);

    // Back on the map: wheel zoom goes into the URL; shift-drag selects and lists top words.
    await page.goBack();
    await ready(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForURL(/[?&]v=/);
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.8, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForURL(/[?&]sel=/);
    const selected = Number(await page.locator('#sel-h .count').textContent());
    expect(selected).toBeGreaterThan(0);
    expect(await page.locator('.selection .terms li').count()).toBeGreaterThan(0);
    // A search highlights its results.
    await page.locator('#map-q').fill('graph neural networks');
    await page.getByText(/highlighted/).waitFor();
    expect(errors).toEqual([]);
  });

  it('shows hostile corpus text as text: no script runs, no javascript: link', async () => {
    needChromium();
    // CSP bypassed on purpose: the app itself must not inject markup, whatever the CSP blocks.
    const { page, errors } = await newPage({ bypassCSP: true });
    const papers = await api<{ points: { id: string }[] }>('/api/map', evil.url);
    expect(papers.points.length).toBe(12);
    const evilIds = (
      await api<{ hits: Paper[] }>('/api/search?q=payload&limit=20', evil.url)
    ).hits.map((h) => h.id);
    expect(evilIds.length).toBeGreaterThanOrEqual(4);
    const check = async (path: string, text?: string) => {
      await page.goto(evil.url + path);
      await ready(page);
      const r = await page.evaluate<{
        xss: unknown;
        js: string[];
        inline: number;
        imgs: number;
        body: string;
      }>(`(() => ({
        xss: window.__xss,
        js: [...document.querySelectorAll('[href], [src], [action], [formaction]')]
          .map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('action') ?? e.getAttribute('formaction') ?? '')
          .filter((h) => /^\\s*(javascript|data|vbscript):/i.test(h)),
        inline: [...document.scripts].filter((s) => !s.src).length,
        imgs: document.querySelectorAll('img[src="x"], [onerror], [onclick], [onload]').length,
        body: document.body.innerText,
      }))()`);
      expect(r.xss, path).toBeUndefined();
      expect(r.js, path).toEqual([]);
      expect(r.inline, path).toBe(0);
      expect(r.imgs, path).toBe(0);
      if (text) expect(r.body, path).toContain(text);
    };
    await check('/?q=payload', '<script>window.xss=1</script>');
    for (const id of evilIds.slice(0, 4))
      await check(`/paper/${id}`, '<img src=x onerror="window.__xss=1">');
    await check('/map');
    await check('/topics');
    await page.evaluate(
      `localStorage.setItem('${LIST_KEY}', JSON.stringify(${JSON.stringify(
        evilIds.slice(0, 4).map((id) => ({ id, title: null, authors: [], track: null })),
      )}))`,
    );
    await check('/list');
    // KaTeX in safe mode rendered the \href as an error, not a link.
    await page.goto(`${evil.url}/paper/${evilIds[0] ?? ''}`);
    await ready(page);
    expect(await page.locator('.katex').count()).toBeGreaterThan(0);
    expect(await page.locator('.abstract a').count()).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('has no serious or critical axe violations in either theme; screenshots at laptop and phone width', async () => {
    needChromium();
    // A paper whose abstract has inline math (KaTeX is part of what axe checks).
    const mathPaper = await firstHit(
      'universal approximation shallow neural tangent kernel transport mappings',
    );
    expect(mathPaper.title).toMatch(/transportation mappings/);
    const levine = 'sergey levine';
    const pages: [string, string][] = [
      ['search', '/?q=graph%20neural%20networks'],
      ['paper', `/paper/${mathPaper.id}`],
      ['map', '/map?q=graph%20neural%20networks'],
      ['list', '/list'],
      ['topics', '/topics'],
      ['topic', '/topic/t1'],
      ['author', `/author/${encodeURIComponent(levine)}`],
    ];
    const axePages = new Set(['search', 'paper', 'map', 'list']);
    const listed = JSON.stringify([
      { id: mathPaper.id, title: mathPaper.title, authors: mathPaper.authors, track: null },
    ]);
    const violations: string[] = [];
    for (const dark of [false, true]) {
      const { page, errors } = await newPage({ dark, bypassCSP: true });
      await page.addInitScript(`localStorage.setItem('${LIST_KEY}', ${JSON.stringify(listed)})`);
      for (const [name, path] of pages) {
        if (dark && !axePages.has(name)) continue;
        await page.goto(server.url + path);
        await ready(page);
        if (axePages.has(name)) {
          await page.addScriptTag({ content: axeSource });
          const found = await page.evaluate<
            string[]
          >(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
            r.violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')))`);
          violations.push(...found.map((v) => `${name} ${dark ? 'dark' : 'light'}: ${v}`));
        }
        if (!dark || name === 'search')
          await shot(page, `${name}-laptop-${dark ? 'dark' : 'light'}`);
      }
      // The theme toggle flips the theme and remembers it.
      await page.goto(`${server.url}/topics`);
      await ready(page);
      await page
        .getByRole('button', { name: dark ? 'Switch to light theme' : 'Switch to dark theme' })
        .click();
      expect(await page.evaluate('document.documentElement.dataset.theme')).toBe(
        dark ? 'light' : 'dark',
      );
      expect(errors).toEqual([]);
    }
    expect(violations).toEqual([]);

    // Phone width: every page, and search in both themes.
    for (const dark of [false, true]) {
      const { page, errors } = await newPage({ viewport: PHONE, dark });
      await page.addInitScript(`localStorage.setItem('${LIST_KEY}', ${JSON.stringify(listed)})`);
      for (const [name, path] of pages) {
        if (dark && name !== 'search') continue;
        await page.goto(server.url + path);
        await ready(page);
        // Nothing wider than the screen.
        expect(
          await page.evaluate('document.documentElement.scrollWidth'),
          name,
        ).toBeLessThanOrEqual(PHONE.width);
        await shot(page, `${name}-phone-${dark ? 'dark' : 'light'}`);
      }
      expect(errors).toEqual([]);
    }
  });
});

/** A tiny listing whose titles, authors and abstracts carry script, markup and link payloads. */
function hostileListing(): string {
  const script = '<script>window.__xss=1</script>';
  const img = '<img src=x onerror="window.__xss=1">';
  const themes = [
    'graph neural networks message passing',
    'reinforcement learning policy reward',
    'image classification convolutional',
    'language models transformers attention',
    'adversarial robustness attacks',
    'optimization gradient descent convergence',
  ];
  const tracks = ['Poster', 'Spotlight', 'Talk'];
  const records: string[] = [];
  for (let i = 0; i < 12; i++) {
    const t = themes[i % themes.length] ?? '';
    const title =
      i === 0
        ? `Evil ${script} title`
        : i === 1
          ? `Img ${img} title`
          : i === 2
            ? 'Math $\\href{javascript:alert(1)}{x}$ title'
            : `Paper ${i} on ${t}`;
    const authors =
      i === 0
        ? `Mallory ${img}, Bob Smith`
        : i === 1
          ? `Eve ${script}, Carol Jones`
          : `Author ${String.fromCharCode(65 + i)} Person, Bob Smith`;
    const abstract =
      i < 4
        ? `We study ${t}. Payload ${script} and ${img} and a link javascript:window.__xss=1 and ` +
          `[click](javascript:window.__xss=1) and math $\\href{javascript:alert(1)}{x}$ plus ` +
          `$\\url{javascript:alert(1)}$ and $x^2$. Code at https://github.com/example/repo${i}.`
        : `More about ${t} with experiments on CIFAR-10.`;
    records.push(
      `## ${title}\n\n- ${authors}\n- abstract@open-review(${tracks[i % 3] ?? 'Poster'}): ${abstract}\n`,
    );
  }
  return records.join('\n');
}
