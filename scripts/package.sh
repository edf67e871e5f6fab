#!/usr/bin/env bash
# Builds the Azure Functions deployment package: a custom-handler app laid out as the Functions
# host expects it.
#
#   host.json                      the repository's host.json (runs `dotnet app/QoinHub.Merchant.Functions.dll`)
#   <Function>/function.json       every folder beside host.json that holds a function.json
#   app/                           dotnet publish of src/Functions: linux-x64, framework-dependent, ReadyToRun;
#                                  only what runs: no symbols, XML docs, static web asset manifests
#
# Usage: ./scripts/package.sh [output-dir]     (default: artifacts/package)
# Writes <output-dir>/qoinhub-merchant-functions.zip and leaves the unzipped tree in
# <output-dir>/site (azd deploys that folder; see azure.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

out="${1:-artifacts/package}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
site="$out/site"
zip_path="$out/qoinhub-merchant-functions.zip"
# Separate bin/obj so packaging never rewrites the outputs a concurrent build or test run is using.
build="$out/build"

rm -rf "$site" "$zip_path"
mkdir -p "$site"

echo "==> dotnet publish src/Functions (linux-x64, ReadyToRun)"
dotnet publish src/Functions/QoinHub.Merchant.Functions.csproj \
  -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true \
  -p:UseAppHost=false \
  -p:DebugType=none -p:DebugSymbols=false \
  -p:GenerateDocumentationFile=false -p:AllowedReferenceRelatedFileExtensions=none \
  -p:StaticWebAssetsEnabled=false \
  --artifacts-path "$build" \
  -o "$site/app" \
  --nologo

# Whatever the publish still leaves that the app never reads at run time: symbols, XML docs (named
# after their assembly), static web asset manifests (the app serves no files), IIS's web.config,
# development settings. *.deps.json and *.runtimeconfig.json stay: the host needs them to start it.
find "$site/app" -type f \( -name '*.pdb' -o -name '*.staticwebassets*' -o -name web.config -o -name 'appsettings.Development.json' \) -print -delete
for xml in "$site/app"/*.xml; do
  if [ -f "${xml%.xml}.dll" ]; then
    rm -v "$xml"
  fi
done

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

echo "$functions functions, $(find "$site/app" -type f | wc -l) app files -> $zip_path"
