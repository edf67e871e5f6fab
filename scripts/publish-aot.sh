#!/usr/bin/env bash
# Publishes the app as a Native AOT executable for linux-x64: one file that needs no .NET runtime.
#
#   <output-dir>/QoinHub.Merchant.Functions     the app (what the deployment package's app/ holds)
#   <output-dir>/publish-warnings.txt           the trim and AOT warnings of the publish, one a line
#
# Usage: ./scripts/publish-aot.sh [--force] [output-dir]      (default: artifacts/aot)
#
# Skips the publish when the executable is newer than every input (src/, the build and package
# props, global.json, this script); --force publishes anyway. Fails when the publish fails or when a
# trim or AOT warning concerns this solution's own code (a QoinHub.* assembly or a file under src/):
# those must be fixed, not listed. Warnings from packages are printed and kept in
# publish-warnings.txt; docs/decisions/0003-native-aot.md says why each is harmless.
# Needs the .NET SDK and a C toolchain to link (clang, or gcc as on Debian's build-essential).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

force=false
if [ "${1:-}" = "--force" ]; then
  force=true
  shift
fi
out="${1:-artifacts/aot}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
executable="$out/QoinHub.Merchant.Functions"

# One publish at a time per output folder (the test command and package.sh may both ask for it).
exec 9>"$out.lock"
flock 9

inputs=(src Directory.Build.props Directory.Packages.props global.json scripts/publish-aot.sh)
if ! $force && [ -x "$executable" ] && [ -f "$out/publish-warnings.txt" ] && \
   [ -z "$(find "${inputs[@]}" -type f -newer "$executable" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]; then
  echo "==> $executable is up to date (newer than src/ and the build settings)"
  exit 0
fi

staging="$out.staging"
rm -rf "$staging"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "==> dotnet publish src/Functions (linux-x64, Native AOT)"
started=$(date +%s)
status=0
# Its own bin/obj (artifacts/aot-build), so the publish never rewrites what a build or test run uses.
dotnet publish src/Functions/QoinHub.Merchant.Functions.csproj \
  -c Release -r linux-x64 \
  -p:PublishAot=true \
  -p:DebugType=none -p:DebugSymbols=false -p:StripSymbols=true \
  -p:GenerateDocumentationFile=false -p:StaticWebAssetsEnabled=false \
  --artifacts-path "$root/artifacts/aot-build" \
  -o "$staging" \
  --nologo >"$log" 2>&1 || status=$?

# Warnings once each, without the project path MSBuild appends (it names our project whatever the origin).
warnings=$(grep -E ': (error|warning) (IL|NETSDK)[0-9]+|AOT analysis warning|Trim analysis warning' "$log" \
  | sed -E 's/ \[[^]]*\.csproj(::[^]]*)?\]$//' | sort -u || true)
if [ "$status" -ne 0 ]; then
  grep -E 'error|warning' "$log" | sed -E 's/ \[[^]]*\.csproj(::[^]]*)?\]$//' | sort -u >&2 || true
  echo "Native AOT publish failed (exit code $status); full log above." >&2
  exit "$status"
fi

ours=$(grep -E "QoinHub\.|$root/src/" <<<"$warnings" || true)
if [ -n "$ours" ]; then
  echo "$ours" >&2
  echo "The Native AOT publish warns about this solution's own code (above): fix it; only package warnings may remain." >&2
  exit 1
fi

if [ ! -x "$staging/QoinHub.Merchant.Functions" ] || [ "$(head -c 4 "$staging/QoinHub.Merchant.Functions" | od -An -c | tr -d ' ')" != '177ELF' ]; then
  echo "The publish did not produce the native executable $staging/QoinHub.Merchant.Functions." >&2
  exit 1
fi

# Only the executable is the app; whatever else the publish leaves (symbols, manifests) is not shipped.
find "$staging" -mindepth 1 -not -name QoinHub.Merchant.Functions -exec rm -rf {} +
printf '%s\n' "$warnings" | sed '/^$/d' >"$staging/publish-warnings.txt"

rm -rf "$out.previous"
if [ -d "$out" ]; then
  mv "$out" "$out.previous"
fi
mv "$staging" "$out"
rm -rf "$out.previous"

elapsed=$(( $(date +%s) - started ))
echo "==> $executable ($(( $(stat -c %s "$executable") / 1024 / 1024 )) MiB) in ${elapsed} s"
if [ -s "$out/publish-warnings.txt" ]; then
  echo "Package warnings (none from this solution's code; see docs/decisions/0003-native-aot.md):"
  sed 's/^/  /' "$out/publish-warnings.txt"
fi
