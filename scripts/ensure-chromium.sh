#!/usr/bin/env bash
# Run before `npm test`: the browser tests drive Debian's Chromium. Install it when it is missing
# and this user can (root with apt-get); otherwise say how, and fail.
set -u
if [ -x /usr/bin/chromium ] || [ -n "${CONFSCOPE_CHROMIUM:-}" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "confscope: installing Debian's chromium for the browser tests" >&2
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium) >&2 && exit 0
fi
echo "confscope: the browser tests need Chromium at /usr/bin/chromium; install it with 'sudo apt-get install -y chromium'" >&2
exit 1
