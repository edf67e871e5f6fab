#!/usr/bin/env bash
# Builds the Azure Functions deployment package: the isolated worker's publish output
# (scripts/publish.sh: linux-x64, framework-dependent, ReadyToRun), zipped as it is.
#
#   QoinHub.Merchant.Functions.dll  the app (ReadyToRun), with its dependencies, *.deps.json and
#                                   *.runtimeconfig.json (the dotnet-isolated 10.0 stack runs it)
#   functions.metadata              the five functions, as the Worker SDK generated them
#   worker.config.json              how the Functions host starts the worker: dotnet QoinHub.Merchant.Functions.dll
#   host.json                       the repository's host.json
#   extensions.json, .azurefunctions/   the host's side: the extensions the Worker SDK resolved
#
# Usage: ./scripts/package.sh [output-dir]     (default: artifacts/package)
# Writes <output-dir>/qoinhub-merchant-functions.zip (the files at the root of the zip, hidden
# .azurefunctions/ included) and leaves the same tree unzipped in <output-dir>/site (azd deploys
# that folder; see azure.yaml). The publish output comes from artifacts/publish, published there
# first unless it is up to date (so the package holds what the tests ran).
#
# The zip is made with `zip` when it is installed, else with python3's zipfile.
# QOINHUB_PACKAGE_ZIP=python3 uses python3 even when `zip` is there (the deployment tests check both).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-artifacts/package}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
site="$out/site"
zip_path="$out/qoinhub-merchant-functions.zip"
publish=artifacts/publish
app=QoinHub.Merchant.Functions.dll

rm -rf "$site" "$zip_path"

./scripts/publish.sh "$publish"

# publish.sh checks these when it publishes; a reused or downloaded folder is checked here, so a
# copy that lost a file (the hidden .azurefunctions/, say) is never packaged.
for expected in "$app" functions.metadata worker.config.json host.json extensions.json \
                .azurefunctions/Microsoft.Azure.WebJobs.Extensions.FunctionMetadataLoader.dll; do
  if [ ! -f "$publish/$expected" ]; then
    echo "$publish/$expected is missing: run ./scripts/publish.sh --force $publish" >&2
    exit 1
  fi
done

echo "==> $site"
mkdir -p "$site"
# "dir/." copies the folder's content, dotfiles and hidden folders included.
cp -R -p "$publish/." "$site/"

echo "==> $zip_path"
# Entries are relative to the site folder (host.json at the root of the zip), with no directory
# entries and no "./" prefix, whichever tool makes them.
if [ "${QOINHUB_PACKAGE_ZIP:-}" != python3 ] && command -v zip >/dev/null 2>&1; then
  (cd "$site" && zip -q -r -X -D "$zip_path" .)
else
  # Not `python3 -m zipfile -c out.zip ./*`: the shell's * leaves out .azurefunctions/.
  python3 - "$site" "$zip_path" <<'PYTHON'
import os
import sys
import zipfile

root, target = sys.argv[1], sys.argv[2]
# strict_timestamps=False: a file dated before 1980 (some packages ship such) is stored as 1980.
with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, strict_timestamps=False) as archive:
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            path = os.path.join(directory, name)
            archive.write(path, os.path.relpath(path, root).replace(os.sep, "/"))
PYTHON
fi

functions=$(grep -c '"scriptFile"' "$site/functions.metadata" || true)
files=$(find "$site" -type f | wc -l)
echo "$functions functions, $files files ($app ReadyToRun, linux-x64) -> $zip_path ($(( $(stat -c %s "$zip_path") / 1024 / 1024 )) MiB)"
