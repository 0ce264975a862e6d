// The paper map on a <canvas>: every paper a point, no per-point DOM. Up to 20k points are
// anti-aliased circles drawn in one path per colour (sorted by colour once), off-screen ones
// culled. Above that, points are squares blended straight into a pixel buffer (a canvas path of
// 100k rectangles rasterises in ~250 ms in software Chromium), and while the whole map fits in
// a layer at most twice the canvas's size it is drawn once per zoom level/colouring/highlight
// and a pan is one blit (bench/map-web.ts: 100k points, pan frames p95 16.7 ms); zoomed in
// with at most 15k points on screen, squares in a canvas path again. Picking uses a uniform
// grid. Colours come from CSS custom properties, so the map follows the theme.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array reads in the draw and
   pick loops: every index is in bounds by construction, and `?? 0` there would cost per point. */

import type { MapData, MapLabel, Track } from '../api';

export type ColorBy = 'area' | 'track';

const TRACKS: (Track | null)[] = ['Poster', 'Spotlight', 'Talk', null];

export interface MapModel {
  n: number;
  xs: Float32Array;
  ys: Float32Array;
  ids: string[];
  titles: (string | null)[];
  broad: string[];
  fine: string[];
  tracks: (Track | null)[];
  /** Colour index of each point, per colouring. */
  colors: Record<ColorBy, Uint16Array>;
  /** Point indices sorted by colour, and where each colour starts (length colours + 1). */
  order: Record<ColorBy, { idx: Uint32Array; start: Uint32Array }>;
  areas: { id: string; label: string; count: number }[];
  labels: MapLabel[];
  index: Map<string, number>;
  grid: { size: number; start: Uint32Array; items: Uint32Array };
}

function sortByColor(colors: Uint16Array, k: number): { idx: Uint32Array; start: Uint32Array } {
  const start = new Uint32Array(k + 1);
  for (const c of colors) start[c + 1]! += 1;
  for (let c = 0; c < k; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, k);
  const idx = new Uint32Array(colors.length);
  colors.forEach((c, i) => {
    idx[fill[c]!++] = i;
  });
  return { idx, start };
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

export function buildModel(data: MapData): MapModel {
  const n = data.points.length;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  const ids: string[] = new Array<string>(n);
  const titles: (string | null)[] = new Array<string | null>(n);
  const broad: string[] = new Array<string>(n);
  const fine: string[] = new Array<string>(n);
  const tracks: (Track | null)[] = new Array<Track | null>(n);
  const counts = new Map<string, number>();
  data.points.forEach((p, i) => {
    xs[i] = clamp01(p.x);
    ys[i] = clamp01(p.y);
    ids[i] = p.id;
    titles[i] = p.title;
    broad[i] = p.broad;
    fine[i] = p.fine;
    tracks[i] = p.track;
    counts.set(p.broad, (counts.get(p.broad) ?? 0) + 1);
  });
  const labelOf = new Map(
    data.labels.filter((l) => l.level === 1).map((l) => [l.topicId, l.label]),
  );
  // Areas largest first: the palette's first (most distinct) colours go to the largest areas.
  const areas = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([id, count]) => ({ id, label: labelOf.get(id) ?? (id || 'unassigned'), count }));
  const areaIdx = new Map(areas.map((a, i) => [a.id, i]));
  const area = new Uint16Array(n);
  const track = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    area[i] = areaIdx.get(broad[i] ?? '') ?? 0;
    track[i] = Math.max(0, TRACKS.indexOf(tracks[i] ?? null));
  }
  // Uniform grid over [0,1]² for picking, about 4 points a cell.
  const size = Math.max(1, Math.min(512, Math.ceil(Math.sqrt(n / 4))));
  const cell = (i: number) =>
    Math.min(size - 1, Math.floor(xs[i]! * size)) * size +
    Math.min(size - 1, Math.floor(ys[i]! * size));
  const start = new Uint32Array(size * size + 1);
  for (let i = 0; i < n; i++) start[cell(i) + 1]! += 1;
  for (let c = 0; c < size * size; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, size * size);
  const items = new Uint32Array(n);
  for (let i = 0; i < n; i++) items[fill[cell(i)]!++] = i;
  return {
    n,
    xs,
    ys,
    ids,
    titles,
    broad,
    fine,
    tracks,
    colors: { area, track },
    order: {
      area: sortByColor(area, Math.max(1, areas.length)),
      track: sortByColor(track, TRACKS.length),
    },
    areas,
    labels: data.labels,
    index: new Map(ids.map((id, i) => [id, i])),
    grid: { size, start, items },
  };
}

export const TRACK_NAMES = ['Poster', 'Spotlight', 'Talk', 'unknown'];

export interface Theme {
  bg: string;
  fg: string;
  muted: string;
  accent: string;
  area: string[];
  track: string[];
}

export function readTheme(el: Element): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const area: string[] = [];
  for (let i = 0; i < 16; i++) area.push(v(`--c${i}`, '#888'));
  return {
    bg: v('--map-bg', '#fff'),
    fg: v('--fg', '#111'),
    muted: v('--muted', '#666'),
    accent: v('--accent', '#1d4ed8'),
    area,
    track: [
      v('--t-poster', '#888'),
      v('--t-spotlight', '#d97706'),
      v('--t-talk', '#dc2626'),
      v('--muted', '#666'),
    ],
  };
}

export function colorOf(theme: Theme, by: ColorBy, c: number): string {
  const list = by === 'area' ? theme.area : theme.track;
  return list[c % list.length] ?? '#888';
}

export interface View {
  k: number;
  tx: number;
  ty: number;
}

export class MapRenderer {
  readonly canvas: HTMLCanvasElement;
  readonly model: MapModel;
  width = 0;
  height = 0;
  view: View = { k: 1, tx: 0, ty: 0 };
  colorBy: ColorBy = 'area';
  /** 1 for the points to emphasise (search results, a topic); null: all points normal. */
  highlight: Uint8Array | null = null;
  selected: Uint8Array | null = null;
  hover = -1;
  brush: { x0: number; y0: number; x1: number; y1: number } | null = null;
  theme: Theme;
  lastDrawMs = 0;
  /** Draws so far (also in the canvas's data-draws, for benches). */
  draws = 0;
  private frame = 0;
  private readonly ctx: CanvasRenderingContext2D;
  private image: ImageData | null = null;
  /** The points drawn once for the current zoom, colouring, highlight and theme (many points). */
  private layer: {
    key: string;
    theme: Theme;
    highlight: Uint8Array | null;
    canvas: HTMLCanvasElement;
  } | null = null;
  private readonly rgbCache = new Map<string, RGB>();

  constructor(canvas: HTMLCanvasElement, model: MapModel) {
    this.canvas = canvas;
    this.model = model;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2D canvas');
    this.ctx = ctx;
    this.theme = readTheme(canvas);
  }

  /** Scale that fits [0,1]² in the canvas with a margin. */
  get fitK(): number {
    return Math.max(1, Math.min(this.width, this.height) * 0.9);
  }

  get zoom(): number {
    return this.view.k / this.fitK;
  }

  resize(width: number, height: number): void {
    const first = this.width === 0;
    const center = first ? null : this.center();
    const zoom = first ? 1 : this.zoom;
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    if (center) this.setView(zoom, center[0], center[1]);
    else this.reset();
    this.drawNow();
  }

  reset(): void {
    this.setView(1, 0.5, 0.5);
  }

  /** Data coordinates at the centre of the canvas. */
  center(): [number, number] {
    return [
      (this.width / 2 - this.view.tx) / this.view.k,
      (this.height / 2 - this.view.ty) / this.view.k,
    ];
  }

  setView(zoom: number, cx: number, cy: number): void {
    const k = this.fitK * Math.min(200, Math.max(0.5, zoom));
    this.view = { k, tx: this.width / 2 - cx * k, ty: this.height / 2 - cy * k };
    this.requestDraw();
  }

  zoomAt(factor: number, sx: number, sy: number): void {
    const z = Math.min(200, Math.max(0.5, this.zoom * factor));
    const f = (z * this.fitK) / this.view.k;
    this.view = {
      k: this.view.k * f,
      tx: sx - (sx - this.view.tx) * f,
      ty: sy - (sy - this.view.ty) * f,
    };
    this.requestDraw();
  }

  pan(dx: number, dy: number): void {
    this.view = { ...this.view, tx: this.view.tx + dx, ty: this.view.ty + dy };
    this.requestDraw();
  }

  /** Zooms so the given points fill the view. */
  fit(indices: Iterable<number>): void {
    let x0 = 1;
    let y0 = 1;
    let x1 = 0;
    let y1 = 0;
    let any = false;
    for (const i of indices) {
      any = true;
      x0 = Math.min(x0, this.model.xs[i]!);
      x1 = Math.max(x1, this.model.xs[i]!);
      y0 = Math.min(y0, this.model.ys[i]!);
      y1 = Math.max(y1, this.model.ys[i]!);
    }
    if (!any) return;
    const span = Math.max(x1 - x0, y1 - y0, 0.05);
    this.setView(Math.min(20, 0.8 / span), (x0 + x1) / 2, (y0 + y1) / 2);
  }

  get radius(): number {
    const base = this.model.n > 20_000 ? 1.4 : this.model.n > 3000 ? 2.2 : 3.2;
    return Math.min(base * 3, base * (1 + Math.log2(Math.max(1, this.zoom)) * 0.35));
  }

  toData(sx: number, sy: number): [number, number] {
    return [(sx - this.view.tx) / this.view.k, (sy - this.view.ty) / this.view.k];
  }

  /** The point under (or nearest within a few pixels of) a canvas position, or -1. */
  pick(sx: number, sy: number, slack = 5): number {
    const { xs, ys, grid } = this.model;
    const [dx, dy] = this.toData(sx, sy);
    const rd = (this.radius + slack) / this.view.k;
    const g = grid.size;
    const c0 = Math.max(0, Math.floor((dx - rd) * g));
    const c1 = Math.min(g - 1, Math.floor((dx + rd) * g));
    const r0 = Math.max(0, Math.floor((dy - rd) * g));
    const r1 = Math.min(g - 1, Math.floor((dy + rd) * g));
    let best = -1;
    let bestD = rd * rd;
    const hl = this.highlight;
    for (let cx = c0; cx <= c1; cx++)
      for (let cy = r0; cy <= r1; cy++) {
        const cell = cx * g + cy;
        for (let j = grid.start[cell]!; j < grid.start[cell + 1]!; j++) {
          const i = grid.items[j]!;
          const ex = xs[i]! - dx;
          const ey = ys[i]! - dy;
          // Emphasised points win ties against dimmed ones under the cursor.
          const d = (ex * ex + ey * ey) * (hl && !hl[i] ? 2 : 1);
          if (d <= bestD) {
            bestD = d;
            best = i;
          }
        }
      }
    return best;
  }

  /** Indices of the points inside a canvas rectangle. */
  inRect(ax: number, ay: number, bx: number, by: number): number[] {
    const [x0, y0] = this.toData(Math.min(ax, bx), Math.min(ay, by));
    const [x1, y1] = this.toData(Math.max(ax, bx), Math.max(ay, by));
    return this.inDataRect(x0, y0, x1, y1);
  }

  inDataRect(x0: number, y0: number, x1: number, y1: number): number[] {
    const out: number[] = [];
    const { xs, ys, n } = this.model;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) out.push(i);
    }
    return out;
  }

  requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawNow();
    });
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
  }

  drawNow(): void {
    const t0 = performance.now();
    const { ctx, model, theme } = this;
    const { xs, ys } = model;
    const dpr = window.devicePixelRatio || 1;
    const { k, tx, ty } = this.view;
    const r = this.radius;
    const hl = this.highlight;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    if (model.n <= 20_000 || !this.drawPointsFast(dpr)) {
      // One path per colour, off-screen points culled: anti-aliased circles, or squares when
      // there are many points (zoomed in on a large map: only a few thousand are on screen).
      const useRect = model.n > 20_000;
      ctx.fillStyle = theme.bg;
      ctx.fillRect(0, 0, this.width, this.height);
      const xMin = (-r - tx) / k;
      const xMax = (this.width + r - tx) / k;
      const yMin = (-r - ty) / k;
      const yMax = (this.height + r - ty) / k;
      const order = model.order[this.colorBy];
      const colours = order.start.length - 1;
      const pass = (want: number | null, radius: number, alpha: number) => {
        ctx.globalAlpha = alpha;
        for (let c = 0; c < colours; c++) {
          const s = order.start[c]!;
          const e = order.start[c + 1]!;
          if (s === e) continue;
          ctx.beginPath();
          let any = false;
          for (let j = s; j < e; j++) {
            const i = order.idx[j]!;
            if (want !== null && hl && hl[i] !== want) continue;
            const x = xs[i]!;
            const y = ys[i]!;
            if (x < xMin || x > xMax || y < yMin || y > yMax) continue;
            const sx = tx + x * k;
            const sy = ty + y * k;
            if (useRect) ctx.rect(sx - radius, sy - radius, radius * 2, radius * 2);
            else {
              ctx.moveTo(sx + radius, sy);
              ctx.arc(sx, sy, radius, 0, Math.PI * 2);
            }
            any = true;
          }
          if (any) {
            ctx.fillStyle = colorOf(theme, this.colorBy, c);
            ctx.fill();
          }
        }
        ctx.globalAlpha = 1;
      };
      if (hl) {
        pass(0, r * 0.85, 0.2);
        pass(1, r * 1.35, 1);
        this.ring(ctx, (i) => hl[i] === 1, r * 1.35 + 0.75, theme.fg, 1, this.transform(1));
      } else pass(null, r, 0.9);
    }

    const sel = this.selected;
    if (sel) this.ring(ctx, (i) => sel[i] === 1, r + 2, theme.accent, 1.5, this.transform(1));

    this.drawLabels();

    if (this.hover >= 0) {
      const sx = tx + xs[this.hover]! * k;
      const sy = ty + ys[this.hover]! * k;
      ctx.beginPath();
      ctx.arc(sx, sy, r + 4, 0, Math.PI * 2);
      ctx.strokeStyle = theme.fg;
      ctx.lineWidth = 2;
      ctx.stroke();
    }

    if (this.brush) {
      const b = this.brush;
      ctx.fillStyle = theme.accent;
      ctx.globalAlpha = 0.12;
      ctx.fillRect(
        Math.min(b.x0, b.x1),
        Math.min(b.y0, b.y1),
        Math.abs(b.x1 - b.x0),
        Math.abs(b.y1 - b.y0),
      );
      ctx.globalAlpha = 1;
      ctx.setLineDash([5, 4]);
      ctx.strokeStyle = theme.accent;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(
        Math.min(b.x0, b.x1),
        Math.min(b.y0, b.y1),
        Math.abs(b.x1 - b.x0),
        Math.abs(b.y1 - b.y0),
      );
      ctx.setLineDash([]);
    }
    this.lastDrawMs = performance.now() - t0;
    this.canvas.dataset['drawMs'] = this.lastDrawMs.toFixed(1);
    this.canvas.dataset['draws'] = String(++this.draws);
    this.canvas.dataset['points'] = String(model.n);
  }

  /** The reusable pixel buffer, the canvas's size. */
  private pixelBuffer(): ImageData {
    const { width, height } = this.canvas;
    if (this.image?.width !== width || this.image.height !== height)
      this.image = new ImageData(Math.max(1, width), Math.max(1, height));
    return this.image;
  }

  /** A CSS colour as the canvas resolves it (any syntax the theme uses), cached. */
  private rgb(color: string): RGB {
    let v = this.rgbCache.get(color);
    if (!v) {
      const probe = document.createElement('canvas');
      probe.width = probe.height = 1;
      const c = probe.getContext('2d', { willReadFrequently: true });
      if (c) {
        c.fillStyle = color;
        c.fillRect(0, 0, 1, 1);
        const d = c.getImageData(0, 0, 1, 1).data;
        v = [d[0]!, d[1]!, d[2]!];
      } else v = [136, 136, 136];
      this.rgbCache.set(color, v);
    }
    return v;
  }

  /** The view in device pixels of a target `scale`× the CSS size (1: the canvas's CSS px). */
  private transform(scale: number): Xform {
    return {
      k: this.view.k * scale,
      ox: this.view.tx * scale,
      oy: this.view.ty * scale,
      w: this.width * scale,
      h: this.height * scale,
    };
  }

  /** Rings (at most 5000) around the points `keep` accepts that fall inside the target. */
  private ring(
    ctx: CanvasRenderingContext2D,
    keep: (i: number) => boolean,
    radius: number,
    color: string,
    width: number,
    t: Xform,
  ): void {
    const { model } = this;
    ctx.beginPath();
    let count = 0;
    for (let i = 0; i < model.n && count < 5000; i++) {
      if (!keep(i)) continue;
      const sx = t.ox + model.xs[i]! * t.k;
      const sy = t.oy + model.ys[i]! * t.k;
      if (sx < -radius || sy < -radius || sx > t.w + radius || sy > t.h + radius) continue;
      ctx.moveTo(sx + radius, sy);
      ctx.arc(sx, sy, radius, 0, Math.PI * 2);
      count++;
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.stroke();
  }

  /**
   * Many points (> 20k): squares blended straight into a pixel buffer (a canvas path of 100k
   * rectangles is cheap to record but ~250 ms to rasterise in software Chromium). While the
   * whole map fits in a layer at most twice the canvas's pixels, the points (and highlight
   * rings) are drawn once per zoom level, colouring and highlight into an off-screen layer, and
   * a pan only copies that layer: one blit a frame.
   */
  private drawPointsFast(dpr: number): boolean {
    const { ctx, theme } = this;
    const kd = this.view.k * dpr;
    const r = this.radius;
    const hl = this.highlight;
    const pad = Math.ceil(r * dpr * 1.35 + 2 * dpr + 1);
    const side = Math.ceil(kd) + 2 * pad;
    const full = this.canvas.width * this.canvas.height;
    if (side * side <= Math.max(2 * full, 1 << 20)) {
      const key = [kd, r, this.colorBy, dpr].join('|');
      let layer = this.layer;
      if (layer?.key !== key || layer.theme !== theme || layer.highlight !== hl) {
        const canvas = layer?.canvas ?? document.createElement('canvas');
        canvas.width = side;
        canvas.height = side;
        const lctx = canvas.getContext('2d', { alpha: false });
        if (!lctx) throw new Error('no 2D canvas');
        const t: Xform = { k: kd, ox: pad, oy: pad, w: side, h: side };
        const img = new ImageData(side, side);
        this.points(img, t, dpr);
        lctx.putImageData(img, 0, 0);
        if (hl) this.ring(lctx, (i) => hl[i] === 1, (r * 1.35 + 0.75) * dpr, theme.fg, dpr, t);
        layer = { key, theme, highlight: hl, canvas };
        this.layer = layer;
      }
      ctx.fillStyle = theme.bg;
      ctx.fillRect(0, 0, this.width, this.height);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(
        layer.canvas,
        Math.round(this.view.tx * dpr) - pad,
        Math.round(this.view.ty * dpr) - pad,
      );
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      return true;
    }
    // Zoomed in: only what is on the canvas. With few points on screen a canvas path is cheaper
    // than filling and uploading a whole pixel buffer (4M pixels at devicePixelRatio 2).
    const t = this.transform(dpr);
    if (this.visible(t, r * 1.35 * dpr) <= 15_000) return false;
    const img = this.pixelBuffer();
    this.points(img, t, dpr);
    ctx.putImageData(img, 0, 0);
    if (hl) this.ring(ctx, (i) => hl[i] === 1, r * 1.35 + 0.75, theme.fg, 1, this.transform(1));
    return true;
  }

  /** How many points fall inside the target (with a margin of h pixels). */
  private visible(t: Xform, h: number): number {
    const { xs, ys, n } = this.model;
    const xMin = (-h - t.ox) / t.k;
    const xMax = (t.w + h - t.ox) / t.k;
    const yMin = (-h - t.oy) / t.k;
    const yMax = (t.h + h - t.oy) / t.k;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (x >= xMin && x <= xMax && y >= yMin && y <= yMax) count++;
    }
    return count;
  }

  /** Background and points (both highlight passes) into `img`, in the target's pixels. */
  private points(img: ImageData, t: Xform, dpr: number): void {
    const { model, theme } = this;
    const { xs, ys } = model;
    const px = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
    px.fill(packRgb(this.rgb(theme.bg)));
    const order = model.order[this.colorBy];
    const colours = order.start.length - 1;
    const hl = this.highlight;
    const r = this.radius;
    const pass = (want: number | null, radius: number, alpha: number) => {
      const h = radius * dpr;
      const xMin = (-h - t.ox) / t.k;
      const xMax = (t.w + h - t.ox) / t.k;
      const yMin = (-h - t.oy) / t.k;
      const yMax = (t.h + h - t.oy) / t.k;
      for (let c = 0; c < colours; c++) {
        const s = order.start[c]!;
        const e = order.start[c + 1]!;
        if (s === e) continue;
        const rgb = this.rgb(colorOf(theme, this.colorBy, c));
        for (let j = s; j < e; j++) {
          const i = order.idx[j]!;
          if (want !== null && hl && hl[i] !== want) continue;
          const x = xs[i]!;
          const y = ys[i]!;
          if (x < xMin || x > xMax || y < yMin || y > yMax) continue;
          blendSquare(px, img.width, img.height, t.ox + x * t.k, t.oy + y * t.k, h, rgb, alpha);
        }
      }
    };
    if (hl) {
      pass(0, r * 0.85, 0.2);
      pass(1, r * 1.35, 1);
    } else pass(null, r, 0.9);
  }

  private drawLabels(): void {
    const { ctx, theme } = this;
    const { k, tx, ty } = this.view;
    const fine = this.zoom >= 2.2;
    const labels = this.model.labels
      .filter((l) => l.level === 1 || fine)
      .sort((a, b) => (fine ? b.level - a.level : 0) || b.size - a.size);
    const placed: [number, number, number, number][] = [];
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    for (const l of labels) {
      const sx = tx + l.x * k;
      const sy = ty + l.y * k;
      if (sx < -100 || sy < -20 || sx > this.width + 100 || sy > this.height + 20) continue;
      const big = l.level === 1 && !fine;
      ctx.font = `${big ? 600 : l.level === 1 ? 500 : 600} ${big ? 13 : l.level === 1 ? 12 : 11.5}px system-ui, sans-serif`;
      const text = l.label.length > 40 ? `${l.label.slice(0, 38)}…` : l.label;
      const w = ctx.measureText(text).width + 8;
      const h = big ? 18 : 16;
      const box: [number, number, number, number] = [
        sx - w / 2,
        sy - h / 2,
        sx + w / 2,
        sy + h / 2,
      ];
      if (placed.some((p) => p[0] < box[2] && box[0] < p[2] && p[1] < box[3] && box[1] < p[3]))
        continue;
      placed.push(box);
      ctx.globalAlpha = l.level === 1 && fine ? 0.55 : 1;
      ctx.strokeStyle = theme.bg;
      ctx.lineWidth = 4;
      ctx.strokeText(text, sx, sy);
      ctx.fillStyle = theme.fg;
      ctx.fillText(text, sx, sy);
      ctx.globalAlpha = 1;
    }
  }
}

type RGB = [number, number, number];

/** A transform from [0,1]² to a target's pixels, and the target's size. */
interface Xform {
  k: number;
  ox: number;
  oy: number;
  w: number;
  h: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** An opaque colour as one ImageData pixel read through a Uint32Array. */
function packRgb([r, g, b]: RGB): number {
  return LITTLE_ENDIAN
    ? (0xff000000 | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0;
}

/**
 * Blend an axis-aligned square (centre cx, cy, half-side h, in pixels) into opaque pixels with
 * the given opacity, each pixel weighted by how much of it the square covers (the anti-aliasing
 * a canvas rect fill gives).
 */
function blendSquare(
  px: Uint32Array,
  width: number,
  height: number,
  cx: number,
  cy: number,
  h: number,
  [r, g, b]: RGB,
  alpha: number,
): void {
  const x0 = cx - h;
  const x1 = cx + h;
  const y0 = cy - h;
  const y1 = cy + h;
  const px0 = Math.max(0, Math.floor(x0));
  const px1 = Math.min(width - 1, Math.ceil(x1) - 1);
  const py0 = Math.max(0, Math.floor(y0));
  const py1 = Math.min(height - 1, Math.ceil(y1) - 1);
  for (let py = py0; py <= py1; py++) {
    const cov = alpha * 256 * (Math.min(y1, py + 1) - Math.max(y0, py));
    let o = py * width + px0;
    for (let x = px0; x <= px1; x++, o++) {
      const a = (cov * (Math.min(x1, x + 1) - Math.max(x0, x))) | 0;
      const p = px[o]!;
      if (LITTLE_ENDIAN) {
        const pr = p & 255;
        const pg = (p >>> 8) & 255;
        const pb = (p >>> 16) & 255;
        px[o] =
          (0xff000000 |
            ((pb + (((b - pb) * a) >> 8)) << 16) |
            ((pg + (((g - pg) * a) >> 8)) << 8) |
            (pr + (((r - pr) * a) >> 8))) >>>
          0;
      } else {
        const pr = p >>> 24;
        const pg = (p >>> 16) & 255;
        const pb = (p >>> 8) & 255;
        px[o] =
          (((pr + (((r - pr) * a) >> 8)) << 24) |
            ((pg + (((g - pg) * a) >> 8)) << 16) |
            ((pb + (((b - pb) * a) >> 8)) << 8) |
            0xff) >>>
          0;
      }
    }
  }
}

const STOP = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their theirs them then there these they this those through to too towards toward under until up upon us very via was we were what when where which while who whom why will with within without would you your yours using use based new towards learning learn learned deep neural network networks model models method methods approach via beyond through towards`.split(
    /\s+/,
  ),
);

export function titleWords(title: string | null): string[] {
  if (!title) return [];
  return (title.toLowerCase().match(/[a-z][a-z0-9]*(?:-[a-z0-9]+)*/g) ?? []).filter(
    (w) => w.length > 2 && !STOP.has(w),
  );
}

let dfCache: { model: MapModel; df: Map<string, number> } | null = null;

/** The words that set the selected titles apart: frequency in the selection × rarity overall. */
export function topTerms(
  model: MapModel,
  indices: number[],
  limit = 12,
): { term: string; count: number }[] {
  if (dfCache?.model !== model) {
    const df = new Map<string, number>();
    for (const t of model.titles)
      for (const w of new Set(titleWords(t))) df.set(w, (df.get(w) ?? 0) + 1);
    dfCache = { model, df };
  }
  const { df } = dfCache;
  const tf = new Map<string, number>();
  for (const i of indices)
    for (const w of new Set(titleWords(model.titles[i] ?? null))) tf.set(w, (tf.get(w) ?? 0) + 1);
  const min = indices.length >= 8 ? 2 : 1;
  return [...tf]
    .filter(([, c]) => c >= min)
    .map(([term, count]) => ({
      term,
      count,
      score: count * Math.log((model.n + 1) / ((df.get(term) ?? 0) + 1)),
    }))
    .sort((a, b) => b.score - a.score || a.term.localeCompare(b.term))
    .slice(0, limit)
    .map(({ term, count }) => ({ term, count }));
}
