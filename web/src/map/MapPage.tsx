// The map page (loaded on demand): canvas with wheel zoom, drag pan, pinch, hover card, click to
// open, shift-drag (or Select mode) rectangle selection with the selection's top title words,
// search results or a topic highlighted, colour by area or track. The view, colouring, query
// and selection are in the URL.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type MapData, type Paper } from '../api';
import { PaperRow, Status, useAsync, usePage } from '../components';
import { readingList } from '../readingList';
import { Link, navigate, paths, type Loc } from '../router';
import {
  buildModel,
  colorOf,
  MapRenderer,
  readTheme,
  TRACK_NAMES,
  topTerms,
  type ColorBy,
  type MapModel,
  type Theme,
} from './renderer';

export function MapPage({ loc }: { loc: Loc }) {
  const page = usePage('Map');
  const data = useAsync(() => api.map(), []);
  return (
    <div class="map-page">
      <h1 class="visually-hidden" tabIndex={-1} ref={page.ref}>
        Map of the papers
      </h1>
      <Status value={data}>{(d) => <MapView data={d} loc={loc} />}</Status>
    </div>
  );
}

function num(s: string | undefined): number | null {
  const v = Number(s);
  return s !== undefined && s !== '' && Number.isFinite(v) ? v : null;
}

function setParam(loc: Loc, changes: Record<string, string | null>): string {
  const q = new URLSearchParams(loc.query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  return `/map${s ? `?${s}` : ''}`;
}

interface Hover {
  i: number;
  x: number;
  y: number;
}

function MapView({ data, loc }: { data: MapData; loc: Loc }) {
  const model = useMemo(() => buildModel(data), [data]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const rendererRef = useRef<MapRenderer | null>(null);
  const locRef = useRef(loc);
  locRef.current = loc;

  const colorBy: ColorBy = loc.query.get('color') === 'track' ? 'track' : 'area';
  const q = loc.query.get('q') ?? '';
  const focus = loc.query.get('focus') ?? '';
  const [qText, setQText] = useState(q);
  const [hits, setHits] = useState<{ ids: Set<string>; total: number } | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const [selection, setSelection] = useState<number[]>([]);
  const [selectMode, setSelectMode] = useState(false);
  const [theme, setTheme] = useState<Theme | null>(null);
  const selectModeRef = useRef(false);
  selectModeRef.current = selectMode;
  const timer = useRef<number | undefined>(undefined);

  // Renderer lifetime, size and theme.
  useEffect(() => {
    const canvas = canvasRef.current;
    const wrap = wrapRef.current;
    if (!canvas || !wrap) return;
    const r = new MapRenderer(canvas, model);
    rendererRef.current = r;
    const v = (locRef.current.query.get('v') ?? '').split(',');
    const sel = (locRef.current.query.get('sel') ?? '').split(',').map(Number);
    const box = wrap.getBoundingClientRect();
    r.resize(box.width, box.height);
    const [z, cx, cy] = [num(v[0]), num(v[1]), num(v[2])];
    if (z !== null && cx !== null && cy !== null) r.setView(z, cx, cy);
    if (sel.length === 4 && sel.every((s) => Number.isFinite(s))) {
      const [x0, y0, x1, y1] = sel as [number, number, number, number];
      setSelection(r.inDataRect(x0, y0, x1, y1));
    }
    const ro = new ResizeObserver(([e]) => {
      if (e) r.resize(e.contentRect.width, e.contentRect.height);
    });
    ro.observe(wrap);
    setTheme(r.theme);
    const retheme = () => {
      r.theme = readTheme(canvas);
      setTheme(r.theme);
      r.requestDraw();
    };
    const mo = new MutationObserver(retheme);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', retheme);
    return () => {
      ro.disconnect();
      mo.disconnect();
      mq.removeEventListener('change', retheme);
      r.destroy();
      rendererRef.current = null;
    };
  }, [model]);

  useEffect(() => {
    const r = rendererRef.current;
    if (!r) return;
    r.colorBy = colorBy;
    r.requestDraw();
  }, [colorBy]);

  // Highlight: the search results for q, or a topic's papers.
  useEffect(() => {
    if (!q.trim()) {
      setHits(null);
      return;
    }
    const ctrl = new AbortController();
    api.search(q, 'hybrid', 100, 0, ctrl.signal).then(
      (res) => setHits({ ids: new Set(res.hits.map((h) => h.id)), total: res.total }),
      () => undefined,
    );
    return () => ctrl.abort();
  }, [q]);

  useEffect(() => {
    const r = rendererRef.current;
    if (!r) return;
    let mask: Uint8Array | null = null;
    if (hits) {
      mask = new Uint8Array(model.n);
      for (const id of hits.ids) {
        const i = model.index.get(id);
        if (i !== undefined) mask[i] = 1;
      }
    } else if (focus) {
      mask = new Uint8Array(model.n);
      for (let i = 0; i < model.n; i++)
        if (model.broad[i] === focus || model.fine[i] === focus) mask[i] = 1;
      if (!locRef.current.query.get('v'))
        r.fit(mask.reduce<number[]>((a, m, i) => (m ? (a.push(i), a) : a), []));
    }
    r.highlight = mask;
    r.requestDraw();
  }, [hits, focus, model]);

  useEffect(() => {
    const r = rendererRef.current;
    if (!r) return;
    if (selection.length) {
      const m = new Uint8Array(model.n);
      for (const i of selection) m[i] = 1;
      r.selected = m;
    } else r.selected = null;
    r.requestDraw();
  }, [selection, model]);

  useEffect(() => {
    if (document.activeElement?.id !== 'map-q') setQText(q);
  }, [q]);

  // Pointer and wheel interaction.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const pointers = new Map<number, { x: number; y: number }>();
    let down: { x: number; y: number; moved: boolean; brush: boolean } | null = null;
    let pinch: number | null = null;
    let saveTimer: number | undefined;
    const pos = (e: { clientX: number; clientY: number }) => {
      const b = canvas.getBoundingClientRect();
      return { x: e.clientX - b.left, y: e.clientY - b.top };
    };
    const saveView = () => {
      window.clearTimeout(saveTimer);
      saveTimer = window.setTimeout(() => {
        const r = rendererRef.current;
        if (!r) return;
        const [cx, cy] = r.center();
        const v = `${r.zoom.toFixed(3)},${cx.toFixed(4)},${cy.toFixed(4)}`;
        navigate(setParam(locRef.current, { v }), { replace: true });
      }, 400);
    };
    const onWheel = (e: WheelEvent) => {
      const r = rendererRef.current;
      if (!r) return;
      e.preventDefault();
      const p = pos(e);
      const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      r.zoomAt(Math.exp(-dy * 0.0015), p.x, p.y);
      setHover(null);
      saveView();
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      canvas.setPointerCapture(e.pointerId);
      const p = pos(e);
      pointers.set(e.pointerId, p);
      if (pointers.size === 2) {
        const [a, b] = [...pointers.values()] as [
          { x: number; y: number },
          { x: number; y: number },
        ];
        pinch = Math.hypot(a.x - b.x, a.y - b.y);
        down = null;
        return;
      }
      down = { ...p, moved: false, brush: e.shiftKey || selectModeRef.current };
    };
    const onMove = (e: PointerEvent) => {
      const r = rendererRef.current;
      if (!r) return;
      const p = pos(e);
      const prev = pointers.get(e.pointerId);
      if (prev) pointers.set(e.pointerId, p);
      if (pointers.size === 2 && pinch !== null) {
        const [a, b] = [...pointers.values()] as [
          { x: number; y: number },
          { x: number; y: number },
        ];
        const d = Math.hypot(a.x - b.x, a.y - b.y);
        r.zoomAt(d / pinch, (a.x + b.x) / 2, (a.y + b.y) / 2);
        pinch = d;
        saveView();
        return;
      }
      if (down && prev) {
        if (Math.hypot(p.x - down.x, p.y - down.y) > 4) down.moved = true;
        if (down.brush) {
          r.brush = { x0: down.x, y0: down.y, x1: p.x, y1: p.y };
          r.requestDraw();
        } else if (down.moved) {
          r.pan(p.x - prev.x, p.y - prev.y);
          setHover(null);
          r.hover = -1;
          saveView();
        }
        return;
      }
      const i = r.pick(p.x, p.y);
      if (i !== r.hover) {
        r.hover = i;
        r.requestDraw();
      }
      canvas.style.cursor = i >= 0 ? 'pointer' : 'grab';
      setHover(i >= 0 ? { i, x: p.x, y: p.y } : null);
    };
    const onUp = (e: PointerEvent) => {
      const r = rendererRef.current;
      pointers.delete(e.pointerId);
      if (pointers.size < 2) pinch = null;
      if (!r || !down) return;
      const p = pos(e);
      const d = down;
      down = null;
      if (d.brush && d.moved) {
        r.brush = null;
        const idx = r.inRect(d.x, d.y, p.x, p.y);
        setSelection(idx);
        const [x0, y0] = r.toData(Math.min(d.x, p.x), Math.min(d.y, p.y));
        const [x1, y1] = r.toData(Math.max(d.x, p.x), Math.max(d.y, p.y));
        navigate(
          setParam(locRef.current, { sel: [x0, y0, x1, y1].map((v) => v.toFixed(4)).join(',') }),
          {
            replace: true,
          },
        );
        r.requestDraw();
        return;
      }
      if (!d.moved) {
        const i = r.pick(p.x, p.y);
        const id = i >= 0 ? model.ids[i] : undefined;
        if (id) navigate(paths.paper(id));
      }
    };
    const onLeave = () => {
      const r = rendererRef.current;
      if (r && r.hover !== -1) {
        r.hover = -1;
        r.requestDraw();
      }
      setHover(null);
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointermove', onMove);
    canvas.addEventListener('pointerup', onUp);
    canvas.addEventListener('pointercancel', onUp);
    canvas.addEventListener('pointerleave', onLeave);
    return () => {
      window.clearTimeout(saveTimer);
      canvas.removeEventListener('wheel', onWheel);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointercancel', onUp);
      canvas.removeEventListener('pointerleave', onLeave);
    };
  }, [model]);

  const zoomBy = (f: number) => {
    const r = rendererRef.current;
    if (!r) return;
    r.zoomAt(f, r.width / 2, r.height / 2);
    const [cx, cy] = r.center();
    navigate(setParam(loc, { v: `${r.zoom.toFixed(3)},${cx.toFixed(4)},${cy.toFixed(4)}` }), {
      replace: true,
    });
  };

  const onKey = (e: KeyboardEvent) => {
    const r = rendererRef.current;
    if (!r) return;
    const step = 60;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [step, 0],
      ArrowRight: [-step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    const m = moves[e.key];
    if (m) r.pan(m[0], m[1]);
    else if (e.key === '+' || e.key === '=') zoomBy(1.5);
    else if (e.key === '-') zoomBy(1 / 1.5);
    else if (e.key === '0') {
      r.reset();
      navigate(setParam(loc, { v: null }), { replace: true });
    } else return;
    e.preventDefault();
  };

  const onQuery = (value: string) => {
    setQText(value);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(
      () => navigate(setParam(locRef.current, { q: value.trim() || null }), { replace: true }),
      250,
    );
  };

  const focusLabel = focus ? (model.labels.find((l) => l.topicId === focus)?.label ?? focus) : '';

  return (
    <div class="map-layout">
      <div class="map-canvas-wrap" ref={wrapRef}>
        <canvas
          ref={canvasRef}
          class="map-canvas"
          tabIndex={0}
          role="img"
          aria-label={`Map of ${model.n} papers, placed by similarity and coloured by ${colorBy === 'area' ? 'broad area' : 'track'}. Drag to pan, wheel or + and − to zoom, shift-drag to select, click a point to open its paper.`}
          onKeyDown={onKey}
        />
        {hover && <HoverCard model={model} hover={hover} />}
        <div class="map-zoom" role="group" aria-label="Zoom">
          <button type="button" onClick={() => zoomBy(1.5)} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={() => zoomBy(1 / 1.5)} aria-label="Zoom out">
            −
          </button>
          <button
            type="button"
            onClick={() => {
              rendererRef.current?.reset();
              navigate(setParam(loc, { v: null }), { replace: true });
            }}
            aria-label="Reset view"
          >
            ⟲
          </button>
          <button
            type="button"
            aria-pressed={selectMode}
            onClick={() => setSelectMode(!selectMode)}
            title="Select mode: drag to select a rectangle (or hold Shift while dragging)"
          >
            ⬚<span class="visually-hidden">Select mode</span>
          </button>
        </div>
      </div>
      <aside class="map-panel" aria-label="Map controls and selection">
        <div class="field">
          <label for="map-q">Highlight search results</label>
          <input
            id="map-q"
            type="search"
            value={qText}
            placeholder="e.g. graph neural networks"
            onInput={(e) => onQuery(e.currentTarget.value)}
          />
          <p class="muted small" role="status">
            {hits
              ? `${hits.ids.size} highlighted${hits.total > hits.ids.size ? ` (top ${hits.ids.size} of ${hits.total})` : ''}`
              : focus
                ? `Topic highlighted: ${focusLabel}`
                : 'Shift-drag to select papers; click a point to open it.'}
          </p>
          {focus && (
            <button
              type="button"
              class="linkish"
              onClick={() => navigate(setParam(loc, { focus: null }), { replace: true })}
            >
              Clear topic highlight
            </button>
          )}
        </div>
        {data.total > data.points.length && (
          <p class="muted small">
            Showing a random sample of {data.points.length.toLocaleString('en')} of the{' '}
            {data.total.toLocaleString('en')} papers.
          </p>
        )}
        <fieldset class="segmented">
          <legend>Colour by</legend>
          {(['area', 'track'] as const).map((c) => (
            <label key={c}>
              <input
                type="radio"
                name="color-by"
                value={c}
                checked={colorBy === c}
                onChange={() =>
                  navigate(setParam(loc, { color: c === 'area' ? null : c }), { replace: true })
                }
              />
              {c === 'area' ? 'Area' : 'Track'}
            </label>
          ))}
        </fieldset>
        {theme && <Legend model={model} colorBy={colorBy} theme={theme} />}
        <Selection
          model={model}
          selection={selection}
          onClear={() => {
            setSelection([]);
            navigate(setParam(loc, { sel: null }), { replace: true });
          }}
        />
      </aside>
    </div>
  );
}

function Legend({ model, colorBy, theme }: { model: MapModel; colorBy: ColorBy; theme: Theme }) {
  const entries =
    colorBy === 'area'
      ? model.areas.map((a, i) => ({
          key: a.id,
          label: a.label,
          count: a.count,
          color: colorOf(theme, 'area', i),
          href: a.id ? paths.topic(a.id) : null,
        }))
      : TRACK_NAMES.map((t, i) => ({
          key: t,
          label: t,
          count: model.tracks.filter((x) => (x ?? 'unknown') === t).length,
          color: colorOf(theme, 'track', i),
          href: null,
        })).filter((e) => e.count > 0);
  return (
    <section class="legend" aria-labelledby="legend-h">
      <h2 id="legend-h">{colorBy === 'area' ? 'Areas' : 'Tracks'}</h2>
      <ul>
        {entries.map((e) => (
          <li key={e.key}>
            <span class="swatch" style={{ background: e.color }} aria-hidden="true" />
            {e.href ? <Link href={e.href}>{e.label}</Link> : e.label}{' '}
            <span class="count">{e.count}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function HoverCard({ model, hover }: { model: MapModel; hover: Hover }) {
  const id = model.ids[hover.i] ?? '';
  const [paper, setPaper] = useState<Paper | null>(null);
  useEffect(() => {
    let live = true;
    setPaper(null);
    const t = window.setTimeout(() => {
      api.paper(id).then(
        (p) => live && setPaper(p),
        () => undefined,
      );
    }, 80);
    return () => {
      live = false;
      window.clearTimeout(t);
    };
  }, [id]);
  const wrap = document.querySelector('.map-canvas-wrap')?.getBoundingClientRect();
  const left = wrap && hover.x > wrap.width - 300 ? Math.max(8, hover.x - 300) : hover.x + 14;
  const top = wrap && hover.y > wrap.height - 140 ? Math.max(8, hover.y - 130) : hover.y + 14;
  const area = model.labels.find((l) => l.topicId === model.broad[hover.i])?.label;
  return (
    <div class="hover-card" style={{ left: `${left}px`, top: `${top}px` }} data-id={id}>
      <strong>{model.titles[hover.i] ?? '(untitled)'}</strong>
      <div class="muted small">
        {paper
          ? paper.authors.slice(0, 6).join(', ') + (paper.authors.length > 6 ? ', …' : '')
          : 'Loading authors…'}
      </div>
      <div class="small">
        {model.tracks[hover.i] ?? ''}
        {area ? ` · ${area}` : ''}
      </div>
    </div>
  );
}

function Selection({
  model,
  selection,
  onClear,
}: {
  model: MapModel;
  selection: number[];
  onClear: () => void;
}) {
  const terms = useMemo(() => topTerms(model, selection), [model, selection]);
  const [adding, setAdding] = useState('');
  if (!selection.length)
    return (
      <section class="selection" aria-labelledby="sel-h">
        <h2 id="sel-h">Selection</h2>
        <p class="muted small">
          Hold Shift and drag on the map (or turn on ⬚ Select mode) to select a region.
        </p>
      </section>
    );
  const shown = selection.slice(0, 200);
  const addAll = async () => {
    setAdding('Adding…');
    let n = 0;
    for (let s = 0; s < shown.length; s += 8) {
      const batch = await Promise.all(
        shown.slice(s, s + 8).map((i) => api.paper(model.ids[i] ?? '').catch(() => null)),
      );
      for (const p of batch)
        if (p && !readingList.has(p.id)) {
          readingList.add({
            id: p.id,
            title: p.title,
            authors: p.authors,
            track: p.track,
            corpus: p.corpus,
          });
          n++;
        }
    }
    setAdding(`${n} added to the reading list.`);
  };
  return (
    <section class="selection" aria-labelledby="sel-h">
      <h2 id="sel-h">
        Selection <span class="count">{selection.length}</span>
      </h2>
      <div class="button-row">
        <button type="button" onClick={() => void addAll()}>
          Add {shown.length} to reading list
        </button>
        <button type="button" onClick={onClear}>
          Clear
        </button>
      </div>
      <p role="status" class="muted small">
        {adding}
      </p>
      {terms.length > 0 && (
        <>
          <h3>Top title words</h3>
          <ul class="terms" aria-label="Top title words of the selection">
            {terms.map((t) => (
              <li key={t.term}>
                {t.term} <span class="count">{t.count}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Papers{selection.length > shown.length ? ` (first ${shown.length})` : ''}</h3>
      <ol class="paper-list compact">
        {shown.map((i) => (
          <PaperRow
            key={model.ids[i]}
            paper={{
              id: model.ids[i] ?? '',
              title: model.titles[i] ?? null,
              authors: [],
              track: model.tracks[i] ?? null,
            }}
          />
        ))}
      </ol>
    </section>
  );
}
