#!/usr/bin/env bash
# Publishes the isolated worker as it is deployed: `dotnet publish` of src/Functions for linux-x64,
# framework-dependent, ReadyToRun (docs/decisions/0004-isolated-worker.md).
#
#   <output-dir>/QoinHub.Merchant.Functions.dll   the app, ahead-of-time compiled (ReadyToRun)
#   <output-dir>/functions.metadata               the functions, as the Worker SDK generated them
#   <output-dir>/worker.config.json               how the Functions host starts the worker (dotnet <dll>)
#   <output-dir>/host.json, extensions.json, .azurefunctions/   the host's side
#
# Usage: ./scripts/publish.sh [--force] [output-dir]      (default: artifacts/publish)
#
# Skips the publish when the output is newer than every input (src/, the build and package props,
# global.json, host.json, this script); --force publishes anyway. The end-to-end tests, the start-up
# measurements, ./scripts/start-app.sh and ./scripts/package.sh all use this output.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

force=false
if [ "${1:-}" = "--force" ]; then
  force=true
  shift
fi
out="${1:-artifacts/publish}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
app="$out/QoinHub.Merchant.Functions.dll"

# One publish at a time per output folder (the test command and package.sh may both ask for it).
exec 9>"$out.lock"
flock 9

inputs=(src Directory.Build.props Directory.Packages.props global.json host.json scripts/publish.sh)
if ! $force && [ -f "$app" ] && [ -f "$out/functions.metadata" ] && \
   [ -z "$(find "${inputs[@]}" -type f -newer "$app" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]; then
  echo "==> $out is up to date (newer than src/ and the build settings)"
  exit 0
fi

staging="$out.staging"
rm -rf "$staging"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "==> dotnet publish src/Functions (linux-x64, ReadyToRun)"
started=$(date +%s)
status=0
# Its own bin/obj (artifacts/publish-build), so the publish never rewrites what a build or test run uses.
dotnet publish src/Functions/QoinHub.Merchant.Functions.csproj \
  -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true \
  --artifacts-path "$root/artifacts/publish-build" \
  -o "$staging" \
  --nologo >"$log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  grep -E ': (error|warning) ' "$log" | grep -v NU1603 | sed -E 's/ \[[^]]*\.csproj(::[^]]*)?\]$//' | sort -u >&2 || true
  echo "Publish failed (exit code $status)." >&2
  exit "$status"
fi

for expected in QoinHub.Merchant.Functions.dll functions.metadata worker.config.json host.json extensions.json .azurefunctions; do
  [ -e "$staging/$expected" ] || { echo "The publish did not produce $expected." >&2; exit 1; }
done

rm -rf "$out.previous"
if [ -d "$out" ]; then
  mv "$out" "$out.previous"
fi
mv "$staging" "$out"
rm -rf "$out.previous"

elapsed=$(( $(date +%s) - started ))
echo "==> $out ($(du -sm "$out" | cut -f1) MB) in ${elapsed} s"
