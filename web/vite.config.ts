// Build of the web explorer: web/src → dist/web (served by `confscope serve` with a strict CSP:
// no inline scripts, everything same-origin). `vite --config web/vite.config.ts` serves it in
// development with /api proxied to a running `confscope serve` on port 8080.

import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => decodeURIComponent(new URL(p, import.meta.url).pathname);

/** KaTeX's CSS lists woff2, woff and ttf fonts; every browser we support takes woff2. */
function katexWoff2Only(): Plugin {
  return {
    name: 'confscope:katex-woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/katex(\.min)?\.css$/.test(id.split('?')[0] ?? '')) return null;
      return code.replace(
        /,\s*url\([^)]*\.(?:woff|ttf)\)\s*format\(["'](?:woff|truetype)["']\)/g,
        '',
      );
    },
  };
}

export default defineConfig({
  plugins: [katexWoff2Only()],
  root: here('./src'),
  publicDir: here('./public'),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Every browser that runs this app supports <link rel="modulepreload">.
    modulePreload: { polyfill: false },
    // KaTeX fonts stay separate same-origin files (only the woff2 ones are ever fetched).
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
