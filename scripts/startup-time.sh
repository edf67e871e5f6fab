#!/usr/bin/env bash
# Measures the app's start-up as the Functions host sees it: from process start until the
# readiness probe (GET /) answers, on loopback. Compares the plain Release build with the
# ReadyToRun publish that goes into the deployment package.
#   ./scripts/startup-time.sh [runs]      (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

echo "==> building (Release) and publishing (ReadyToRun)"
dotnet build src/Functions -c Release -v quiet -nologo >/dev/null
dotnet publish src/Functions -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -p:UseAppHost=false --artifacts-path "$work/artifacts" -o "$work/r2r" -v quiet -nologo >/dev/null

# Start-up touches no storage (tables and the queue are created on first use), so no emulator is needed.
pem="$work/key.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | openssl pkey -pubout > "$pem" 2>/dev/null || \
  node -e 'const c=require("crypto");const {publicKey}=c.generateKeyPairSync("rsa",{modulusLength:2048});process.stdout.write(publicKey.export({type:"spki",format:"pem"}))' > "$pem"

measure() {
  local label=$1 dll=$2 times=()
  for i in $(seq 1 "$runs"); do
    port=$((20000 + RANDOM % 20000))
    start=$(date +%s%N)
    FUNCTIONS_CUSTOMHANDLER_PORT=$port Partners__0__ClientId=startup Partners__0__PublicKeys__0="$pem" \
      Partners__0__ClientSecrets__0=startup-secret dotnet "$dll" >/dev/null 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1; do sleep 0.005; done
    end=$(date +%s%N)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    times+=($(( (end - start) / 1000000 )))
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  printf '%-28s runs=%d  min=%sms  median=%sms  max=%sms\n' "$label" "$runs" \
    "$(head -n1 <<<"$sorted")" "$(sed -n "$(( (runs + 1) / 2 ))p" <<<"$sorted")" "$(tail -n1 <<<"$sorted")"
}

echo "==> time from process start to a ready answer on GET / ($runs runs each)"
measure "Release build (JIT)" src/Functions/bin/Release/net10.0/QoinHub.Merchant.Functions.dll
measure "ReadyToRun publish" "$work/r2r/QoinHub.Merchant.Functions.dll"
