#!/usr/bin/env bash
# Runs the merchant callbacks locally: Azurite (data kept in .azurite/), a development QoinHub
# partner (keys in .dev/, made on first run) and the app on http://127.0.0.1:7071.
# Needs only the .NET SDK and Node.js. Stop with Ctrl+C.
#   PORT=8080 ./scripts/run-local.sh      listen elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
port=${PORT:-7071}

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (Azurite)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "==> building"
dotnet build QoinHub.Merchant.slnx -c Release -v quiet -nologo >/dev/null

simulator=(dotnet "tools/QoinHub.Simulator/bin/Release/net10.0/QoinHub.Simulator.dll")
if [ ! -f .dev/dev-qoinhub/public.pem ] || [ ! -f .dev/dev-qoinhub-2/public.pem ]; then
  echo "==> writing development partner keys to .dev/"
  "${simulator[@]}" dev-keys --out .dev >/dev/null
fi

azurite_pid=""
cleanup() { [ -n "$azurite_pid" ] && kill "$azurite_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
if (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then
  echo "==> Azurite (or another storage emulator) already listens on 127.0.0.1:10000-10002; using it"
else
  echo "==> starting Azurite (data in .azurite/, log in .azurite/azurite.log)"
  mkdir -p .azurite
  node_modules/.bin/azurite --silent --location .azurite --debug .azurite/azurite.log \
    --disableTelemetry --skipApiVersionCheck --loose --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
  azurite_pid=$!
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null && break; sleep 0.2; done
fi

export ASPNETCORE_ENVIRONMENT=Development
export Storage__ConnectionString="UseDevelopmentStorage=true"
export LocalQueue__Name="${LocalQueue__Name:-payment-notifications}"
secret0=$(cat .dev/dev-qoinhub/client-secret.txt)
secret1=$(cat .dev/dev-qoinhub-2/client-secret.txt)
export Partners__0__ClientId=dev-qoinhub
export Partners__0__PublicKeys__0="$root/.dev/dev-qoinhub/public.pem"
export Partners__0__ClientSecrets__0="$secret0"
export Partners__1__ClientId=dev-qoinhub-2
export Partners__1__PublicKeys__0="$root/.dev/dev-qoinhub-2/public.pem"
export Partners__1__ClientSecrets__0="$secret1"

cat <<MSG

QoinHub merchant callbacks on http://127.0.0.1:$port
  POST http://127.0.0.1:$port/api/v1.0/access-token/b2b
  POST http://127.0.0.1:$port/api/v1.0/debit/notify
Development partners: dev-qoinhub, dev-qoinhub-2 (keys and secrets in .dev/)
Notifications go to the Azurite queue '$LocalQueue__Name' (UseDevelopmentStorage=true).

In another terminal, play QoinHub:
  dotnet tools/QoinHub.Simulator/bin/Release/net10.0/QoinHub.Simulator.dll token
  dotnet tools/QoinHub.Simulator/bin/Release/net10.0/QoinHub.Simulator.dll notify --status 00
  dotnet tools/QoinHub.Simulator/bin/Release/net10.0/QoinHub.Simulator.dll conformance
MSG

dotnet src/Functions/bin/Release/net10.0/QoinHub.Merchant.Functions.dll --urls "http://127.0.0.1:$port" --contentRoot "$root/src/Functions"
