// How confscope starts Debian's Chromium for browser tests and browser benchmarks: the binary
// (CONFSCOPE_CHROMIUM overrides it) and the flags a closed-network, root, headless run needs.

export const CHROMIUM_PATH = process.env['CONFSCOPE_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
