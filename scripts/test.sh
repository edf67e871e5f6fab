#!/usr/bin/env bash
# Runs every test of the solution: unit, HTTP-level against Azurite, deployment checks and the
# end-to-end run. Needs the .NET SDK and Node.js; installs the pinned Azurite itself.
#
# The worker is published first as it is deployed (artifacts/publish, scripts/publish.sh: linux-x64,
# ReadyToRun; skipped when up to date), and the end-to-end tests run that output under the
# project's Functions host (tools/QoinHub.FunctionsHost). A missing publish fails those tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (Azurite)"
  npm ci --no-audit --no-fund --loglevel=error
fi

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

./scripts/publish.sh artifacts/publish

echo "==> dotnet test"
status=0
dotnet test QoinHub.Merchant.slnx -c Release \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

# Each test run starts its own in-memory Azurite; one whose test host was killed (a timed-out
# test, for instance) outlives it. Stop those of this checkout, never a run-local one (--location).
pkill -f "$(pwd)/node_modules/.bin/azurite --inMemoryPersistence" 2>/dev/null || true

# One closing line over all test projects, read from the TRX files.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
# Name the failed tests (with the first lines of their message) last, where a CI log's tail shows them.
if [ "$failed" -gt 0 ]; then
  echo
  echo "Failed tests:"
  python3 - "$results" <<'PY' || grep -ho 'testName="[^"]*"[^>]*outcome="Failed"' "$results"/*.trx || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in glob.glob(sys.argv[1] + "/*.trx"):
    for r in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult[@outcome='Failed']", ns):
        print("  " + r.get("testName"))
        message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        for line in (message.text or "").splitlines()[:6] if message is not None else []:
            print("      " + line[:300])
PY
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
