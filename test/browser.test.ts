// The web explorer in a real browser: Debian's Chromium driven by playwright-core, against the
// real server (in-process, loopback) serving the built UI from dist/web (`npm test` builds it).
// Covers the main journey (search → paper → similar paper → reading list → exports and their
// round trip), the enriched paper page (TL;DR, keywords, OpenReview/PDF links, provenance), a
// database of two corpora (corpus chooser, "also in"), the map canvas, hostile corpus text
// (XSS), and axe-core accessibility checks in both themes. Set CONFSCOPE_SCREENSHOTS=1 to refresh docs/screenshots/ (otherwise the
// screenshots are still taken, into a temporary folder).

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureDefaultCorpus,
  ingestFile,
  openStore,
  parseInputFile,
  storeParsed,
  type PaperRecord,
} from '../src/app/index.js';
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
const SITE_DATA = join(root, 'data', 'iclr2020', 'virtual-site-papers.json');

let browser: Browser;
let store: Store | undefined;
let evilStore: Store | undefined;
let twoStore: Store | undefined;
let server: RunningServer;
let evil: RunningServer;
/** The enriched ICLR 2020 corpus as `iclr2020` plus the virtual-site data as `site`. */
let two: RunningServer;
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
  store = await openStore(join(tmp, 'browser.db'));
  evilStore = await openStore(join(tmp, 'evil.db'));
  const both = await openStore(join(tmp, 'two.db'));
  twoStore = both;
  const listing = join(tmp, 'evil.md');
  writeFileSync(listing, hostileListing());
  // Stored as parsed plus hostile values in the fields enrichment fills (no importer passes a
  // javascript: PDF link, but the UI must not trust the database either).
  const parsed = parseInputFile(listing);
  await storeParsed(evilStore, 'evil', {
    ...parsed,
    records: parsed.records.map(withHostileExtras),
  });
  [browser] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30_000 }),
    ensureDefaultCorpus(store),
    ensureDefaultCorpus(both).then(() => ingestFile(both, SITE_DATA, { corpus: 'site' })),
  ]);
  launched = browser;
  [server, evil, two] = await Promise.all([
    startServer(store, { port: 0, host: '127.0.0.1', webRoot }),
    startServer(evilStore, { port: 0, host: '127.0.0.1', webRoot }),
    startServer(both, { port: 0, host: '127.0.0.1', webRoot }),
  ]);
  servers.push(server, evil, two);
  mkdirSync(shotsDir, { recursive: true });
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await launched?.close().catch(() => undefined);
  for (const s of servers) await s.close();
  await store?.close();
  await evilStore?.close();
  await twoStore?.close();
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

/** GET /api/papers/{id} with the fields enrichment fills. */
interface FullPaper extends Paper {
  corpus: string;
  keywords?: string[];
  tldr?: string;
  externalIds?: { openreview?: string; arxiv?: string; doi?: string };
  pdf?: string;
  provenance?: Record<string, string>;
  alsoIn: { corpus: string; id: string }[];
}

const forumUrl = (id: string) => `https://openreview.net/forum?id=${encodeURIComponent(id)}`;

async function firstHit(q: string, base = server.url): Promise<Paper> {
  const r = await api<{ hits: Paper[] }>(`/api/search?q=${encodeURIComponent(q)}&limit=1`, base);
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

/** Serious and critical axe-core violations on the page (axe injected; the CSP bypassed). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate<string[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
        v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')))`);
}

/** The href attributes of the elements matching `selector`. */
async function hrefsOf(page: Page, selector: string): Promise<string[]> {
  return page.evaluate<string[]>(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].map((a) => a.getAttribute('href') ?? '')`,
  );
}

/** The text of the search status line ("N papers"). */
async function statusText(page: Page): Promise<string> {
  return (await page.locator('#search-status').textContent()) ?? '';
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
    const paper = await api<FullPaper>(`/api/papers/${id}`);

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
    // The enriched corpus gives every paper an OpenReview id and a PDF link.
    expect(bib.text).toContain(`url = {${forumUrl(paper.externalIds?.openreview ?? '?')}}`);
    expect(bib.text).toContain(`pdf = {${paper.pdf ?? '?'}}`);
    if (paper.keywords?.length) expect(bib.text).toMatch(/^ {2}keywords = \{.+\},$/m);

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
    const full = await Promise.all(ids.map((x) => api<FullPaper>(`/api/papers/${x}`)));
    for (const label of ['BibTeX', 'CSV', 'Markdown', 'RIS']) {
      const file = await download(label);
      for (const x of ids) expect(file.text, label).toContain(x);
      // Each export carries the OpenReview forum and PDF links of every paper.
      for (const p of full) {
        expect(file.text, label).toContain(forumUrl(p.externalIds?.openreview ?? '?'));
        expect(file.text, label).toContain(p.pdf ?? '?');
      }
      await page.getByRole('button', { name: 'Clear the list' }).click();
      await page.locator('.empty').waitFor();
      expect(await listIds(page)).toEqual([]);
      await page.locator('#import-file').setInputFiles(file.path);
      await page.locator('.import-status', { hasText: `${ids.length} added` }).waitFor();
      // The previous format's status line may still read "4 added": wait for the list itself.
      await expect.poll(() => listIds(page), { message: label, timeout: 10_000 }).toEqual(ids);
    }
    // "More like these" answers with other papers.
    await page.getByRole('button', { name: /Recommend papers like these/ }).click();
    await page.locator('.recs .paper-row').first().waitFor();
    expect(errors).toEqual([]);
  });

  it('paper page: the TL;DR above the abstract, keyword chips that search, OpenReview and PDF links, a recovered title with its source', async () => {
    needChromium();
    const { page, errors } = await newPage();
    const paper = await api<FullPaper>(`/api/papers/${(await firstHit('nucleus sampling')).id}`);
    expect(paper.title).toBe('The Curious Case of Neural Text Degeneration');
    const openreview = paper.externalIds?.openreview ?? '';
    const keywords = paper.keywords ?? [];
    expect(paper.tldr).toBeTruthy();
    expect(openreview).not.toBe('');
    expect(keywords.length).toBeGreaterThan(1);
    await page.goto(`${server.url}/paper/${paper.id}`);
    await ready(page);
    expect(await page.locator('.tldr h2').textContent()).toBe('TL;DR');
    expect(await page.locator('.tldr p').textContent()).toBe(paper.tldr);
    expect(
      await page.evaluate<boolean>(
        `!!(document.querySelector('.tldr').compareDocumentPosition(document.getElementById('abstract-h')) & Node.DOCUMENT_POSITION_FOLLOWING)`,
      ),
    ).toBe(true);
    expect(await page.locator('.keywords a').allTextContents()).toEqual(keywords);
    const forum = page.locator(`a[href="${forumUrl(openreview)}"]`);
    expect(await forum.count()).toBe(1);
    expect(await forum.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await page.locator(`.links a[href="${paper.pdf ?? '?'}"]`).count()).toBe(1);
    // One corpus: no "also in", and (below) no corpus chooser or corpus names on hits.
    expect(await page.locator('.also-in').count()).toBe(0);
    expect(await page.locator('.provenance').count()).toBe(0);
    expect(await page.locator('.provenance-fields').textContent()).toMatch(
      /^Filled in from virtual-site: .*TL;DR/,
    );

    // The rarest keyword: its chip runs the keyword search, which finds this paper.
    const totals = await Promise.all(
      keywords.map(async (k) => {
        const q = encodeURIComponent(`keywords:"${k}"`);
        return { k, total: (await api<{ total: number }>(`/api/search?q=${q}&limit=1`)).total };
      }),
    );
    const rarest = totals.sort((a, b) => a.total - b.total)[0];
    if (!rarest) throw new Error('no keyword');
    expect(rarest.total).toBeGreaterThan(0);
    expect(rarest.total).toBeLessThanOrEqual(20);
    await page.getByRole('link', { name: `Search keyword: ${rarest.k}`, exact: true }).click();
    await page.waitForURL(/\/\?q=keywords/);
    expect(await page.locator('#search-input').inputValue()).toBe(`keywords:"${rarest.k}"`);
    await ready(page);
    expect(await statusText(page)).toBe(`${rarest.total} paper${rarest.total === 1 ? '' : 's'}`);
    expect(await page.locator('a.hit-link').allTextContents()).toContain(paper.title);
    expect(await page.locator('#corpus-select').count()).toBe(0);
    expect(await page.locator('.corpus-badge, .hit .also-in').count()).toBe(0);

    // One of the three papers whose title the listing lost, recovered from the virtual site.
    const lost = await api<FullPaper>(
      `/api/papers/${(await firstHit('Never Give Up: Learning Directed Exploration Strategies')).id}`,
    );
    expect(lost.title).toBe('Never Give Up: Learning Directed Exploration Strategies');
    expect(lost.provenance?.['title']).toBe('virtual-site');
    await page.goto(`${server.url}/paper/${lost.id}`);
    await ready(page);
    expect(await page.locator('h1').textContent()).toBe(lost.title);
    expect(await page.locator('.provenance').textContent()).toBe(
      'Title recovered from virtual-site',
    );
    expect(errors).toEqual([]);
  });

  it('two corpora: a corpus chooser kept in the URL, hits name their corpus, a paper in both shows once with "also in"', async () => {
    needChromium();
    const { page, errors } = await newPage({ bypassCSP: true });
    const want = 'The Curious Case of Neural Text Degeneration';
    await page.goto(`${two.url}/?q=nucleus%20sampling`);
    await ready(page);
    const select = page.locator('#corpus-select');
    expect(await select.inputValue()).toBe('');
    expect(await select.locator('option').allTextContents()).toEqual([
      'All corpora',
      'iclr2020 (687)',
      'site (687)',
    ]);
    // Shown once (its best-ranked record), naming the other corpus.
    const hit = page.locator('li.hit', {
      has: page.getByRole('link', { name: want, exact: true }),
    });
    expect(await hit.count()).toBe(1);
    const corpus = ((await hit.locator('.corpus-badge').textContent()) ?? '').replace(
      /^corpus /,
      '',
    );
    expect(['iclr2020', 'site']).toContain(corpus);
    expect(await hit.locator('.also-in').textContent()).toBe(
      ` also in ${corpus === 'site' ? 'iclr2020' : 'site'}`,
    );
    const hrefs = await hrefsOf(page, 'a.hit-link');
    expect(new Set(hrefs).size).toBe(hrefs.length);

    // One corpus: a corpus: token in the query and the URL; every hit is from it.
    await select.selectOption('site');
    await page.waitForURL(/corpus%3Asite/);
    expect(await page.locator('#search-input').inputValue()).toBe('nucleus sampling corpus:site');
    await ready(page);
    const site = await api<{ total: number }>(
      `/api/search?q=${encodeURIComponent('nucleus sampling corpus:site')}&limit=1`,
      two.url,
    );
    expect(await statusText(page)).toBe(`${site.total} papers`);
    const badges = await page.locator('.hit .corpus-badge').allTextContents();
    expect(badges.length).toBeGreaterThan(0);
    expect(new Set(badges)).toEqual(new Set(['corpus site']));
    expect(await hit.locator('.also-in').textContent()).toBe(' also in iclr2020');
    // Back to all corpora.
    await select.selectOption('');
    await page.waitForURL((u) => u.searchParams.get('q') === 'nucleus sampling');
    await ready(page);
    expect(await hit.count()).toBe(1);
    // A shared URL with a corpus: the chooser shows it.
    await page.goto(`${two.url}/?q=${encodeURIComponent('graph neural networks corpus:iclr2020')}`);
    await ready(page);
    expect(await select.inputValue()).toBe('iclr2020');
    expect(new Set(await page.locator('.hit .corpus-badge').allTextContents())).toEqual(
      new Set(['corpus iclr2020']),
    );

    // A paper whose two records have different ids (its listing title was lost): its page
    // links to the other corpus's record.
    const title = 'Neural Text Generation With Unlikelihood Training';
    const [a, b] = await Promise.all(
      ['iclr2020', 'site'].map((c) => firstHit(`"${title}" corpus:${c}`, two.url)),
    );
    expect(a?.title).toBe(title);
    expect(b?.title).toBe(title);
    expect(a?.id).not.toBe(b?.id);
    await page.goto(`${two.url}/paper/${a?.id ?? ''}`);
    await ready(page);
    const other = page.locator('.also-in a');
    expect(await other.textContent()).toBe('corpus site');
    await other.click();
    await page.waitForURL(new RegExp(`/paper/${b?.id ?? '?'}$`));
    await ready(page);
    expect(await page.locator('.kicker').textContent()).toContain('site');
    expect(await page.locator('.also-in a').getAttribute('href')).toBe(`/paper/${a?.id ?? ''}`);
    // No serious accessibility violation in the chooser, the hits or the paper page's new parts.
    const violations: string[] = [];
    for (const dark of [false, true]) {
      await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
      await page.goto(`${two.url}/?q=nucleus%20sampling`);
      await ready(page);
      violations.push(...(await axeViolations(page)).map((v) => `search ${dark}: ${v}`));
      await page.goto(`${two.url}/paper/${a?.id ?? ''}`);
      await ready(page);
      violations.push(...(await axeViolations(page)).map((v) => `paper ${dark}: ${v}`));
    }
    expect(violations).toEqual([]);
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
    expect(await page.locator('.paper-row').count()).toBe(4);
    // KaTeX in safe mode rendered the \href as an error, not a link.
    await page.goto(`${evil.url}/paper/${evilIds[0] ?? ''}`);
    await ready(page);
    expect(await page.locator('.katex').count()).toBeGreaterThan(0);
    expect(await page.locator('.abstract a, .tldr a').count()).toBe(0);

    // The fields enrichment fills (TL;DR, keywords, PDF, external ids, decision, provenance):
    // shown as text; a PDF that is not http(s) is not linked; ids only go into https URLs.
    const enriched = (
      await Promise.all(evilIds.map((id) => api<FullPaper>(`/api/papers/${id}`, evil.url)))
    ).filter((p) => p.tldr !== undefined);
    expect(enriched.length).toBe(4);
    for (const p of enriched) {
      await check(`/paper/${p.id}`, `Hostile TL;DR ${XSS_SCRIPT}`);
      expect(await page.locator('.keywords a').allTextContents()).toEqual(p.keywords);
      const hrefs = await hrefsOf(page, '.paper-main a');
      for (const h of hrefs) expect(h).toMatch(/^(https:\/\/|\/\?q=)/);
      expect(hrefs).toContain(forumUrl(p.externalIds?.openreview ?? '?'));
      expect(await page.locator('.links .badge').allTextContents()).not.toContain('PDF');
      expect(await page.locator('.provenance').textContent()).toBe(
        `Title recovered from ${XSS_IMG}`,
      );
      expect(await page.locator('.kicker').textContent()).toContain(`decision: ${XSS_SCRIPT}`);
    }
    // … and the reading list exports link none of it.
    const hostile = enriched[0]?.id ?? '';
    await page.evaluate(`localStorage.setItem('${LIST_KEY}', '[]')`);
    await page.goto(`${evil.url}/paper/${hostile}`);
    await ready(page);
    await page.getByRole('button', { name: /Add to reading list/ }).click();
    await expect.poll(() => listIds(page)).toEqual([hostile]);
    await page.goto(`${evil.url}/list`);
    await ready(page);
    for (const label of ['BibTeX', 'CSV', 'Markdown', 'RIS']) {
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: label, exact: true }).click(),
      ]);
      const path = join(tmp, `evil-${dl.suggestedFilename()}`);
      await dl.saveAs(path);
      const text = readFileSync(path, 'utf8');
      expect(text, label).toContain(hostile);
      expect(text, label).toContain('https://openreview.net/forum?id=javascript%3Aalert');
      expect(text, label).not.toMatch(
        /(\]\(|<|= \{|^(UR|L1) {2}- )\s*(javascript|data|vbscript):/im,
      );
    }
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
          const found = await axeViolations(page);
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

const XSS_SCRIPT = '<script>window.__xss=1</script>';
const XSS_IMG = '<img src=x onerror="window.__xss=1">';

/**
 * Hostile values in every field enrichment fills, for the four records whose abstracts say
 * "Payload": script and markup in the TL;DR, keywords, decision and provenance; javascript:,
 * data: and vbscript: PDF links; ids that are not ids.
 */
function withHostileExtras(r: PaperRecord, i: number): PaperRecord {
  if (i >= 4) return r;
  const pdfs = [
    'javascript:alert(1)',
    ' JaVaScRiPt:window.__xss=1',
    'data:text/html,<script>window.__xss=1</script>',
    'vbscript:msgbox(1)',
  ];
  return {
    ...r,
    tldr: `Hostile TL;DR ${XSS_SCRIPT} and ${XSS_IMG} and $\\href{javascript:alert(1)}{x}$`,
    keywords: [XSS_IMG, XSS_SCRIPT, 'javascript:alert(1)', '" onmouseover="window.__xss=1'],
    pdf: pdfs[i] ?? '',
    externalIds: {
      openreview: 'javascript:alert(1)',
      arxiv: 'javascript:alert(1)',
      doi: `10.1234/${XSS_IMG}`,
    },
    decision: XSS_SCRIPT,
    provenance: { title: XSS_IMG, tldr: XSS_SCRIPT, pdf: 'javascript:alert(1)' },
  };
}

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
