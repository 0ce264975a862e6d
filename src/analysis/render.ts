// Render the paper map: a self-contained SVG (no scripts, every text escaped) and a PNG of it.
//
// PNG: resvg (`@resvg/resvg-js`, Rust resvg behind N-API; the prebuilt binary for the platform
// comes as an npm optional dependency, so it installs from the npm registry alone). Text is drawn
// with the DejaVu Sans TTFs of the `dejavu-fonts-ttf` package, so the PNG looks the same on a
// machine without system fonts; system fonts are used only when that package is missing.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DEFAULT_FRAME, toPixel, type MapFrame } from './map.js';

export interface MapPoint {
  x: number;
  y: number;
  /** Any CSS colour (#rrggbb from `qualitativePalette`). */
  color: string;
  /** Tooltip in an SVG viewer (the paper's title). */
  title?: string;
}

export interface MapLabel {
  x: number;
  y: number;
  label: string;
}

export interface RenderOptions {
  width: number;
  height: number;
  title?: string;
  /** Space around the plotted area, px (labels were placed for the same frame). */
  margin?: number;
  /** Label font size, px. */
  fontSize?: number;
  /** Point radius, px (default: from the number of points). */
  pointRadius?: number;
  background?: string;
}

const FONT_FAMILY = 'DejaVu Sans, Verdana, sans-serif';

/** Text safe inside XML text and attribute values; characters XML 1.0 forbids are dropped. */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const num = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0');

/** Frame of the drawing: the same geometry `labelPositions` placed the labels for. */
export function frameOf(opts: RenderOptions): MapFrame {
  return {
    width: opts.width,
    height: opts.height,
    margin: opts.margin ?? DEFAULT_FRAME.margin,
    fontSize: opts.fontSize ?? DEFAULT_FRAME.fontSize,
  };
}

/** The map as a standalone SVG document: points, then labels (with a white halo), then the title. */
export function renderMapSvg(
  points: readonly MapPoint[],
  labels: readonly MapLabel[],
  opts: RenderOptions,
): string {
  const f = frameOf(opts);
  const r =
    opts.pointRadius ?? Math.max(1.2, Math.min(5, 5 * Math.sqrt(700 / Math.max(1, points.length))));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(f.width)}" height="${num(f.height)}" viewBox="0 0 ${num(f.width)} ${num(f.height)}" font-family="${FONT_FAMILY}">`,
  );
  if (opts.title) out.push(`<title>${escapeXml(opts.title)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="${escapeXml(opts.background ?? '#ffffff')}"/>`);
  out.push(`<g stroke="#ffffff" stroke-width="${num(r * 0.25)}" fill-opacity="0.85">`);
  for (const p of points) {
    const { px, py } = toPixel(p.x, p.y, f);
    const attrs = `cx="${num(px)}" cy="${num(py)}" r="${num(r)}" fill="${escapeXml(p.color)}"`;
    out.push(
      p.title
        ? `<circle ${attrs}><title>${escapeXml(p.title)}</title></circle>`
        : `<circle ${attrs}/>`,
    );
  }
  out.push('</g>');
  // The baseline sits ~0.35 em below the label's centre, which is where its box was estimated.
  out.push(
    `<g font-size="${num(f.fontSize)}" font-weight="bold" text-anchor="middle" fill="#1a1a1a" stroke="#ffffff" stroke-width="${num(f.fontSize * 0.28)}" stroke-linejoin="round" paint-order="stroke">`,
  );
  for (const l of labels) {
    const { px, py } = toPixel(l.x, l.y, f);
    out.push(
      `<text x="${num(px)}" y="${num(py + f.fontSize * 0.35)}">${escapeXml(l.label)}</text>`,
    );
  }
  out.push('</g>');
  if (opts.title) {
    const size = Math.max(12, Math.min(24, f.margin * 0.4));
    out.push(
      `<text x="${num(f.margin * 0.5)}" y="${num(f.margin * 0.3 + size * 0.8)}" font-size="${num(size)}" font-weight="bold" fill="#1a1a1a">${escapeXml(opts.title)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

export interface PngOptions {
  /** Zoom factor (2 for a sharp image on high-density screens). Default 1. */
  scale?: number;
  /** Font files to use instead of the bundled DejaVu Sans. */
  fontFiles?: string[];
}

/** The bundled DejaVu Sans regular and bold TTFs, or [] when `dejavu-fonts-ttf` is not installed. */
export function bundledFonts(): string[] {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']
      .map((f) => join(dir, f))
      .filter((p) => existsSync(p));
  } catch {
    return [];
  }
}

/** Rasterise an SVG (from `renderMapSvg`) to PNG bytes, off the main thread. */
export async function renderMapPng(svg: string, opts: PngOptions = {}): Promise<Uint8Array> {
  const { renderAsync } = await import('@resvg/resvg-js');
  const fontFiles = opts.fontFiles ?? bundledFonts();
  const image = await renderAsync(svg, {
    font: {
      loadSystemFonts: fontFiles.length === 0,
      fontFiles,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    fitTo: { mode: 'zoom', value: opts.scale ?? 1 },
    shapeRendering: 2,
    textRendering: 1,
  });
  const png = image.asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Tableau 10: distinct, colour-blind-aware hues. */
const BASE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#79706e',
];
/** Lightness shifts and hue nudges (degrees) for the 2nd, 3rd, … round through the base hues. */
const VARIANTS: [number, number][] = [
  [0, 0],
  [-0.17, 8],
  [0.13, -8],
  [-0.28, 16],
  [0.22, -16],
  [-0.09, 24],
  [0.07, -24],
  [-0.22, 32],
];

function hexToHsl(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  const [r, g, b] = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => c / 255) as [
    number,
    number,
    number,
  ];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h =
    max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [h * 60, s, l];
}

function hslToHex(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return `#${[f(0), f(8), f(4)]
    .map((x) =>
      Math.round(Math.max(0, Math.min(1, x)) * 255)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/**
 * `n` qualitative colours: the 10 base hues first, then further rounds through them with shifted
 * lightness and hue (80 colours are 8 rounds), cycling after that.
 */
export function qualitativePalette(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = BASE[i % BASE.length] ?? '#777777';
    const [dl, dh] = VARIANTS[Math.floor(i / BASE.length) % VARIANTS.length] ?? [0, 0];
    if (dl === 0 && dh === 0) {
      out.push(base);
      continue;
    }
    const [h, s, l] = hexToHsl(base);
    out.push(hslToHex((h + dh + 360) % 360, s, Math.max(0.18, Math.min(0.85, l + dl))));
  }
  return out;
}
