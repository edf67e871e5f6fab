#!/usr/bin/env bash
# Builds the Azure Functions deployment package: a custom-handler app laid out as the Functions
# host expects it.
#
#   host.json                      the repository's host.json (starts `app/QoinHub.Merchant.Functions`, no arguments)
#   <Function>/function.json       every folder beside host.json that holds a function.json
#   app/QoinHub.Merchant.Functions the app as a Native AOT executable for linux-x64 (scripts/publish-aot.sh):
#                                  one file, executable bit set, no .NET runtime needed on the instance
#
# Usage: ./scripts/package.sh [output-dir]     (default: artifacts/package)
# Writes <output-dir>/qoinhub-merchant-functions.zip and leaves the unzipped tree in
# <output-dir>/site (azd deploys that folder; see azure.yaml). The executable comes from
# artifacts/aot, published there first unless it is up to date (so the test command's publish is reused).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

out="${1:-artifacts/package}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
site="$out/site"
zip_path="$out/qoinhub-merchant-functions.zip"

rm -rf "$site" "$zip_path"
mkdir -p "$site/app"

./scripts/publish-aot.sh artifacts/aot
install -m 755 artifacts/aot/QoinHub.Merchant.Functions "$site/app/QoinHub.Merchant.Functions"

echo "==> host.json and function folders"
cp host.json "$site/host.json"
functions=0
for function_json in "$root"/*/function.json; do
  [ -f "$function_json" ] || continue
  name="$(basename "$(dirname "$function_json")")"
  mkdir -p "$site/$name"
  cp "$function_json" "$site/$name/function.json"
  functions=$((functions + 1))
done
if [ "$functions" -eq 0 ]; then
  echo "no folder beside host.json holds a function.json" >&2
  exit 1
fi

echo "==> $zip_path"
# Entries are relative to the site folder: host.json sits at the root of the zip.
if command -v zip >/dev/null 2>&1; then
  (cd "$site" && zip -q -r -X "$zip_path" .)
else
  (cd "$site" && python3 -m zipfile -c "$zip_path" ./*)
fi

echo "$functions functions, app/QoinHub.Merchant.Functions ($(( $(stat -c %s "$site/app/QoinHub.Merchant.Functions") / 1024 / 1024 )) MiB) -> $zip_path"
