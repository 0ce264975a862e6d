// Text from the API is only ever rendered as text nodes: highlights are built from ranges,
// math is split out and handed to KaTeX (safe mode), links are checked to be http(s).

import type { JSX } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Range } from './api';

/** Text with the given [start, end) ranges wrapped in <mark>. Ranges may overlap or be unsorted. */
export function Highlighted({ text, ranges }: { text: string; ranges: readonly Range[] }) {
  const sorted = ranges
    .map((r) => ({ start: Math.max(0, r.start), end: Math.min(text.length, r.end) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const parts: (string | JSX.Element)[] = [];
  let pos = 0;
  for (const r of sorted) {
    if (r.end <= pos) continue;
    const start = Math.max(r.start, pos);
    if (start > pos) parts.push(text.slice(pos, start));
    parts.push(<mark key={start}>{text.slice(start, r.end)}</mark>);
    pos = r.end;
  }
  if (pos < text.length) parts.push(text.slice(pos));
  return <>{parts}</>;
}

export type Piece = { math: false; text: string } | { math: true; tex: string; display: boolean };

const MAX_MATH = 300;

/** Four plain words in a row (outside \text{…}): a `$` paired across a sentence, not math. */
function looksLikeProse(tex: string): boolean {
  const bare = tex.replace(/\\(?:text\w*|math\w+|operatorname)\{[^}]*\}/g, ' ');
  return /(?:^|[\s,;.(])(?:[A-Za-z]{2,}[\s,;.)]+){3}[A-Za-z]{2,}/.test(bare);
}

/**
 * Splits text at $…$ and $$…$$ spans. A `\` right before a closing `$` is a leftover of the
 * listing's escaping and is dropped. Unpaired or implausibly long spans stay text.
 */
export function splitMath(text: string): Piece[] {
  const out: Piece[] = [];
  const re = /\$\$([^$]+?)\$\$|\$([^$]+?)\$/g;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const display = m[1] !== undefined;
    let tex = m[1] ?? m[2] ?? '';
    // an odd run of trailing backslashes escaped the closing `$`: drop one
    if (/(?:^|[^\\])(?:\\\\)*\\$/.test(tex)) tex = tex.slice(0, -1);
    if (tex.length > MAX_MATH || /\n\s*\n/.test(tex) || !tex.trim() || looksLikeProse(tex)) {
      // not math: keep the first `$` as text and look for a span starting later
      re.lastIndex = m.index + 1;
      continue;
    }
    if (m.index > pos) out.push({ math: false, text: text.slice(pos, m.index) });
    out.push({ math: true, tex: tex.trim(), display });
    pos = m.index + m[0].length;
  }
  if (pos < text.length) out.push({ math: false, text: text.slice(pos) });
  return out;
}

type Katex = typeof import('./latex');
let katexModule: Promise<Katex> | undefined;
function loadKatex(): Promise<Katex> {
  katexModule ??= import('./latex');
  return katexModule;
}

/** One TeX span: shown as its source until KaTeX (loaded on demand) renders it. */
function MathSpan({ tex, display }: { tex: string; display: boolean }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // The DOM, not Preact, owns this element's children: the TeX source as text, then KaTeX.
    el.textContent = display ? `$$${tex}$$` : `$${tex}$`;
    el.className = 'math math-pending';
    let live = true;
    loadKatex()
      .then((k) => {
        if (live && ref.current === el) {
          k.renderTex(tex, el, display);
          el.className = 'math';
        }
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [tex, display]);
  return <span ref={ref} class="math math-pending" data-tex={tex} />;
}

/** Text in which $…$ spans are rendered with KaTeX and everything else stays a text node. */
export function MathText({ text }: { text: string }) {
  const pieces = splitMath(text);
  return (
    <>
      {pieces.map((p, i) =>
        p.math ? <MathSpan key={`${i}:${p.tex}`} tex={p.tex} display={p.display} /> : p.text,
      )}
    </>
  );
}

/** Only absolute http(s) URLs become links. */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function ExternalLink({ url }: { url: string }) {
  const href = safeHref(url);
  if (!href) return <span class="url">{url}</span>;
  return (
    <a href={href} rel="noopener noreferrer" target="_blank" class="url">
      {url}
    </a>
  );
}

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}
