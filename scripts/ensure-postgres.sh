#!/usr/bin/env bash
# Run before `npm test`: the PostgreSQL tests start a throwaway cluster with Debian's server
# binaries (initdb, pg_ctl). Install them when they are missing and this user can (root with
# apt-get); otherwise say how, and fail. CONFSCOPE_TEST_PG_URL (a server to use instead) or
# CONFSCOPE_PG_BIN (where the binaries are) skip the check.
set -u
if [ -n "${CONFSCOPE_TEST_PG_URL:-}" ] || [ -n "${CONFSCOPE_PG_BIN:-}" ]; then exit 0; fi
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "confscope: installing Debian's postgresql for the PostgreSQL tests" >&2
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql) >&2 && exit 0
fi
echo "confscope: the PostgreSQL tests need the server binaries (initdb, pg_ctl); install them with 'sudo apt-get install -y postgresql', or set CONFSCOPE_TEST_PG_URL to a server the tests may create databases on" >&2
exit 1
