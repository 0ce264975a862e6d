#!/usr/bin/env bash
# `npm audit --omit=dev`, or, where the registry refuses the audit endpoints (a proxy answering
# 405 Method Not Allowed, as on the machine these figures were measured on), what is needed to
# audit the production dependencies elsewhere:
#   scripts/audit-offline.sh            # try npm audit; on failure write audit-bundle/
#   scripts/audit-offline.sh DIR        # the bundle in DIR instead
# The bundle holds package.json and package-lock.json (all `npm audit` reads with
# --package-lock-only) and prod-deps.txt (every production package, transitive ones included,
# as name@version, one a line). On a machine with direct access to registry.npmjs.org:
#   cd audit-bundle && npm audit --omit=dev --package-lock-only
# or check prod-deps.txt against https://github.com/advisories (ecosystem npm) or osv.dev
# (`osv-scanner --lockfile package-lock.json`). Nothing is installed or downloaded here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/audit-bundle}
cd "$root"
status=0
report=$(npm audit --omit=dev --json 2>/dev/null) || status=$?
# A report (with or without vulnerabilities found) is the answer: print it readably.
if grep -q '"vulnerabilities"' <<<"$report"; then
  npm audit --omit=dev || exit $?
  exit "$status"
fi
echo "audit-offline: npm audit could not reach the advisory database; writing $out" >&2
mkdir -p "$out"
cp package.json package-lock.json "$out/"
npm ls --omit=dev --all --json 2>/dev/null | node -e '
  const tree = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const seen = new Set();
  (function walk(d) {
    for (const [name, v] of Object.entries(d.dependencies || {})) {
      if (v.version) seen.add(`${name}@${v.version}`);
      walk(v);
    }
  })(tree);
  process.stdout.write([...seen].sort().join("\n") + "\n");
' >"$out/prod-deps.txt"
echo "audit-offline: $(wc -l <"$out/prod-deps.txt") production packages in $out/prod-deps.txt" >&2
echo "audit-offline: elsewhere, run: cd $(basename "$out") && npm audit --omit=dev --package-lock-only" >&2
exit 2
