// KaTeX, loaded on demand (only pages with math pay for it), in safe mode: no \href, \url,
// \includegraphics or HTML extensions (trust: false), bounded sizes and macro expansion, and
// errors shown in place instead of thrown. KaTeX's CSS and fonts are bundled as same-origin files.

import katex from 'katex';
import 'katex/dist/katex.min.css';

export function renderTex(tex: string, el: HTMLElement, display: boolean): void {
  katex.render(tex, el, {
    displayMode: display,
    throwOnError: false,
    // a CSS variable, so the error colour has enough contrast in both themes
    errorColor: 'var(--math-error)',
    trust: false,
    strict: 'ignore',
    maxSize: 20,
    maxExpand: 200,
    output: 'htmlAndMathml',
  });
}
