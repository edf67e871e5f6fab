#!/usr/bin/env bash
# Runs the merchant callbacks locally: Azurite (data kept in .azurite/), a development QoinHub
# partner (keys in .dev/, made on first run) and the app on http://127.0.0.1:7071, under
# `func start` when Azure Functions Core Tools are installed, else under the project's own
# Functions host (tools/QoinHub.FunctionsHost; docs/functions-host.md says how it differs).
# Needs only the .NET SDK and Node.js. Stop with Ctrl+C (stops Azurite too, if this script started it).
#
# Ports (all on 127.0.0.1), each checked before anything is built or started:
#   PORT=8080 ./scripts/run-local.sh                 the app (default 7071)
#   AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT,           Azurite's services (defaults 10000, 10001, 10002);
#   AZURITE_TABLE_PORT                               a storage emulator already answering on all three is reused
# On other Azurite ports than the defaults the app gets a connection string with those endpoints
# instead of UseDevelopmentStorage=true, and the banner prints it for the simulator.
#   SKIP_BUILD=1 ./scripts/run-local.sh              use the Release build already there (no dotnet build)
#   AZURITE_DEBUG=1 ./scripts/run-local.sh           Azurite's debug log in .azurite/debug.log (every request,
#                                                    about 40 KB per notification: for a storage question only)
#   FUNCTIONS_HOST=project ./scripts/run-local.sh    the project's host even when func is installed
#                                                    (FUNCTIONS_HOST=func: func start, or stop if it is missing)
#
# Telemetry (traces, metrics, logs) goes nowhere unless asked; to a local OTLP collector
# (an OpenTelemetry Collector, the Aspire dashboard, ...) listening on 127.0.0.1:4318:
#   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf ./scripts/run-local.sh
# OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME
# and APPLICATIONINSIGHTS_CONNECTION_STRING are handed to the app as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The well-known development account every Azurite and storage emulator serves; public, not a secret.
account=devstoreaccount1
account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

port=${PORT:-7071}
blob_port=${AZURITE_BLOB_PORT:-10000}
queue_port=${AZURITE_QUEUE_PORT:-10001}
table_port=${AZURITE_TABLE_PORT:-10002}
queue_name=${LocalQueue__Name:-payment-notifications}
simulator_dll=tools/QoinHub.Simulator/bin/Release/net10.0/QoinHub.Simulator.dll
app_dir=src/Functions/bin/Release/net10.0
host_dll=tools/QoinHub.FunctionsHost/bin/Release/net10.0/QoinHub.FunctionsHost.dll

# Stops with a message: its first argument is the headline, the others are indented below it.
fail() {
  printf 'run-local.sh: %s\n' "$1" >&2
  shift
  [ $# -eq 0 ] || printf '  %s\n' "$@" >&2
  exit 1
}

# A port to suggest instead of a taken one: the same digits 10000 higher (10002 -> 20002).
elsewhere() { if [ "$1" -le 55535 ]; then echo $(($1 + 10000)); else echo $(($1 - 10000)); fi; }

for setting in "PORT=$port" "AZURITE_BLOB_PORT=$blob_port" "AZURITE_QUEUE_PORT=$queue_port" "AZURITE_TABLE_PORT=$table_port"; do
  value=${setting#*=}
  if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt 1 ] || [ "$value" -gt 65535 ]; then
    fail "${setting%%=*}=$value is not a TCP port (1 to 65535)."
  fi
done
if [ "$(printf '%s\n' "$port" "$blob_port" "$queue_port" "$table_port" | sort -u | wc -l)" -ne 4 ]; then
  fail "PORT=$port, AZURITE_BLOB_PORT=$blob_port, AZURITE_QUEUE_PORT=$queue_port and AZURITE_TABLE_PORT=$table_port must be four different ports."
fi

# Something accepts connections on 127.0.0.1:<port>.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# What answers on <port> is a storage emulator's <Blob|Queue|Table> service: Azure Storage answers
# every request, even an unauthenticated one, with an x-ms-request-id header, and Azurite and the
# old emulator name their service in the Server header. Anything else (or silence for 3 s) is not.
storage_service_on() {
  node -e '
    const [port, service] = process.argv.slice(1);
    const request = require("http").get({ host: "127.0.0.1", port: Number(port), path: "/devstoreaccount1?restype=service&comp=properties", timeout: 3000 }, response => {
      response.resume();
      const server = String(response.headers["server"] || "");
      const otherService = ["Blob", "Queue", "Table"].some(name => name !== service && server.includes(name));
      process.exit(response.headers["x-ms-request-id"] && !otherService ? 0 : 1);
    });
    request.on("timeout", () => request.destroy(new Error("no answer")));
    request.on("error", () => process.exit(1));' "$1" "$2"
}

# Decides how Azurite runs: "reuse" (an emulator answers on all three ports) or "start" (all three
# are free). Stops with a message naming the port and its variable in every other case.
azurite_plan() {
  local emulators=0 free=() name var value service
  for name in BLOB QUEUE TABLE; do
    var="AZURITE_${name}_PORT"
    case $name in BLOB) value=$blob_port service=Blob ;; QUEUE) value=$queue_port service=Queue ;; TABLE) value=$table_port service=Table ;; esac
    if ! listening "$value"; then
      free+=("$var=$value")
    elif storage_service_on "$value" "$service"; then
      emulators=$((emulators + 1))
    else
      fail "port $value ($var, Azurite's $service service) is in use by something other than a storage emulator's $service service, so Azurite cannot start." \
        "Free it (lsof -i :$value shows what holds it), or move Azurite's $service service to a free port, e.g.:" \
        "  $var=$(elsewhere "$value") ./scripts/run-local.sh"
    fi
  done
  if [ "$emulators" -eq 3 ]; then
    echo reuse
  elif [ "$emulators" -eq 0 ]; then
    echo start
  else
    fail "a storage emulator answers on some of Azurite's ports but nothing listens on ${free[*]}, so this script can neither use it nor start Azurite." \
      "Stop that emulator, or point AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT and AZURITE_TABLE_PORT at all three of its ports."
  fi
}

check_app_port() {
  if listening "$port"; then
    fail "port $port (PORT, the app) is in use, so the app cannot listen there." \
      "Free it (lsof -i :$port shows what holds it), or run the app on a free port, e.g.:" \
      "  PORT=$(elsewhere "$port") ./scripts/run-local.sh"
  fi
}

command -v node >/dev/null || fail "Node.js is needed (it runs Azurite): https://nodejs.org, version 20 or later."

# Checked first, so a taken port is reported at once rather than after the build.
check_app_port
azurite_plan >/dev/null

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (Azurite)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Which Functions host runs the app: func start when Core Tools are installed, else the project's.
case "${FUNCTIONS_HOST:-}" in
  "") if command -v func >/dev/null 2>&1; then functions_host=func; else functions_host=project; fi ;;
  func) command -v func >/dev/null 2>&1 || fail "FUNCTIONS_HOST=func, but func (Azure Functions Core Tools) is not on PATH." \
          "Install Core Tools (https://learn.microsoft.com/azure/azure-functions/functions-run-local), or run without FUNCTIONS_HOST." ;
        functions_host=func ;;
  project) functions_host=project ;;
  *) fail "FUNCTIONS_HOST=${FUNCTIONS_HOST} is not func or project." ;;
esac

# What the app needs, not the whole solution: the worker, the host that runs it (unless func does)
# and the simulator (development keys, and the commands the banner prints).
projects=(src/Functions/QoinHub.Merchant.Functions.csproj tools/QoinHub.Simulator/QoinHub.Simulator.csproj)
[ "$functions_host" = func ] || projects+=(tools/QoinHub.FunctionsHost/QoinHub.FunctionsHost.csproj)
if [ "${SKIP_BUILD:-0}" = 1 ]; then
  for built in "$app_dir/QoinHub.Merchant.Functions.dll" "$app_dir/functions.metadata" "$simulator_dll"; do
    [ -f "$built" ] || fail "$built is missing: run without SKIP_BUILD=1 to build it."
  done
  [ "$functions_host" = func ] || [ -f "$host_dll" ] || fail "$host_dll is missing: run without SKIP_BUILD=1 to build it."
else
  if [ ! -f "$app_dir/functions.metadata" ]; then
    echo "==> first build: restoring packages and compiling ${#projects[@]} projects; this takes a few minutes the first time, seconds afterwards"
  fi
  for project in "${projects[@]}"; do
    started=$(date +%s)
    printf '==> building %s ... ' "$(basename "$project" .csproj)"
    log=$(dotnet build "$project" -c Release -v quiet -nologo 2>&1) || { echo "failed"; printf '%s\n' "$log" | grep -E 'error|warning' >&2 || printf '%s\n' "$log" >&2; fail "dotnet build $project failed (above)."; }
    echo "done ($(( $(date +%s) - started )) s)"
  done
fi

simulator=(dotnet "$simulator_dll")
if [ ! -f .dev/dev-qoinhub/public.pem ] || [ ! -f .dev/dev-qoinhub-2/public.pem ]; then
  echo "==> writing development partner keys to .dev/"
  # Its stdout is the settings below (secrets included); its notes on stderr matter only if it fails.
  notes=$("${simulator[@]}" dev-keys --out .dev 2>&1 >/dev/null) || fail "dev-keys failed: $notes"
fi

app_pid=""
azurite_pid=""
# Stops a child and waits for it, so its ports are free once this script has exited.
# A Functions host stops its worker when asked (SIGTERM); one that has to be killed takes its
# children (the worker) with it, since a killed host cannot.
stop() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 75); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  pkill -9 -P "$1" 2>/dev/null || true
  kill -9 "$1" 2>/dev/null || true
}
cleanup() { stop "$app_pid"; stop "$azurite_pid"; }
trap cleanup EXIT
# The app and Azurite run in the background (so that a signal reaches this script while it waits
# for them); the traps turn Ctrl+C or a kill into an exit, which runs cleanup.
trap 'exit 130' INT
trap 'exit 143' TERM

# The build took a while: look again before starting anything.
check_app_port
plan=$(azurite_plan)
if [ "$plan" = reuse ]; then
  echo "==> a storage emulator already listens on 127.0.0.1:$blob_port, $queue_port and $table_port; using it"
  azurite_note="already running, not started by this script"
else
  echo "==> starting Azurite on 127.0.0.1:$blob_port (blob), $queue_port (queue), $table_port (table); data in .azurite/, log in .azurite/azurite.log"
  mkdir -p .azurite
  # Its own output (start-up and errors) only; the debug log, every request in full, on request.
  debug=()
  if [ "${AZURITE_DEBUG:-}" = 1 ]; then
    debug=(--debug .azurite/debug.log)
  fi
  node_modules/.bin/azurite --silent --location .azurite "${debug[@]}" \
    --disableTelemetry --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --blobPort "$blob_port" \
    --queueHost 127.0.0.1 --queuePort "$queue_port" \
    --tableHost 127.0.0.1 --tablePort "$table_port" >.azurite/azurite.log 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 100); do
    kill -0 "$azurite_pid" 2>/dev/null || break
    listening "$blob_port" && listening "$queue_port" && listening "$table_port" && break
    sleep 0.2
  done
  if ! kill -0 "$azurite_pid" 2>/dev/null; then
    azurite_pid=""
    fail "Azurite exited while starting (did another program take one of ports $blob_port, $queue_port, $table_port meanwhile?). See .azurite/azurite.log."
  fi
  { listening "$blob_port" && listening "$queue_port" && listening "$table_port"; } || fail "Azurite did not listen on 127.0.0.1:$blob_port, $queue_port and $table_port within 20 s. See .azurite/azurite.log."
  azurite_note="started by this script, stopped with it"
fi

if [ "$blob_port" = 10000 ] && [ "$queue_port" = 10001 ] && [ "$table_port" = 10002 ]; then
  storage="UseDevelopmentStorage=true"
else
  # UseDevelopmentStorage=true means the default ports; elsewhere the endpoints must be spelled out.
  storage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$account_key;BlobEndpoint=http://127.0.0.1:$blob_port/$account;QueueEndpoint=http://127.0.0.1:$queue_port/$account;TableEndpoint=http://127.0.0.1:$table_port/$account;"
fi

export ASPNETCORE_ENVIRONMENT=Development AZURE_FUNCTIONS_ENVIRONMENT=Development
# The timer schedules the app ships with (local.settings.sample.json, the Bicep), unless set.
export OutboxRelaySchedule="${OutboxRelaySchedule:-0 */1 * * * *}"
export RetentionSchedule="${RetentionSchedule:-0 30 19 * * *}"
export Storage__ConnectionString="$storage"
export LocalQueue__Name="$queue_name"
# The outbox MAC key (docs/operations.md, "Outbox MAC keys"): the caller's when Outbox__MacKeyId is
# set; otherwise the development key in .dev/outbox-mac-key.txt (random, written on first use), under
# key id "dev", so that records stored in one run verify in the next.
if [ -z "${Outbox__MacKeyId:-}" ]; then
  mkdir -p .dev
  [ -s .dev/outbox-mac-key.txt ] || (umask 077 && head -c 32 /dev/urandom | base64 >.dev/outbox-mac-key.txt)
  export Outbox__MacKeyId=dev
  Outbox__MacKeys__dev=$(cat .dev/outbox-mac-key.txt)
  export Outbox__MacKeys__dev
fi
secret0=$(cat .dev/dev-qoinhub/client-secret.txt)
secret1=$(cat .dev/dev-qoinhub-2/client-secret.txt)
export Partners__0__ClientId=dev-qoinhub
export Partners__0__PublicKeys__0="$root/.dev/dev-qoinhub/public.pem"
export Partners__0__ClientSecrets__0="$secret0"
export Partners__1__ClientId=dev-qoinhub-2
export Partners__1__PublicKeys__0="$root/.dev/dev-qoinhub-2/public.pem"
export Partners__1__ClientSecrets__0="$secret1"
# Telemetry settings reach the app as given (also when set in this shell without export).
for setting in OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_PROTOCOL OTEL_EXPORTER_OTLP_HEADERS OTEL_SERVICE_NAME APPLICATIONINSIGHTS_CONNECTION_STRING; do
  [ -z "${!setting:-}" ] || export "${setting?}"
done
if [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]; then
  telemetry="traces, metrics and logs to the OTLP collector at $OTEL_EXPORTER_OTLP_ENDPOINT (${OTEL_EXPORTER_OTLP_PROTOCOL:-grpc})"
else
  telemetry="not exported (set OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf for a local collector)"
fi

if [ "$functions_host" = func ]; then
  echo "==> starting the app under func start (Azure Functions Core Tools) on http://127.0.0.1:$port"
  (cd "$app_dir" && exec func start --port "$port") &
else
  echo "==> starting the app under the project's Functions host (func is not installed; docs/functions-host.md) on http://127.0.0.1:$port"
  dotnet "$host_dll" --port "$port" --app "$root/$app_dir" &
fi
app_pid=$!
# Ready once GET / answers 200: the host has started the worker and loaded its functions.
ready() {
  node -e '
    const request = require("http").get({ host: "127.0.0.1", port: Number(process.argv[1]), path: "/", timeout: 2000 }, response => {
      response.resume();
      process.exit(response.statusCode === 200 ? 0 : 1);
    });
    request.on("timeout", () => request.destroy(new Error("no answer")));
    request.on("error", () => process.exit(1));' "$port"
}
for _ in $(seq 1 600); do
  kill -0 "$app_pid" 2>/dev/null || break
  ready && break
  sleep 0.2
done
if ! kill -0 "$app_pid" 2>/dev/null; then
  status=0
  wait "$app_pid" || status=$?
  app_pid=""
  fail "the app exited with code $status before it was ready on port $port (its output is above)."
fi
ready || fail "the app did not answer GET / on port $port within 2 minutes (its output is above)."

# The simulator's commands as the README gives them, plus what differs from the defaults.
base_url_option=""
[ "$port" = 7071 ] || base_url_option=" --base-url http://127.0.0.1:$port"
storage_option=""
[ "$storage" = "UseDevelopmentStorage=true" ] || storage_option=" --queue-connection-string \"$storage\""
peek_queue_option=""
[ "$queue_name" = payment-notifications ] || peek_queue_option=" --queue-name $queue_name"

cat <<MSG

QoinHub merchant callbacks on http://127.0.0.1:$port (under $([ "$functions_host" = func ] && echo "func start" || echo "the project's Functions host"))
  POST http://127.0.0.1:$port/api/v1.0/access-token/b2b
  POST http://127.0.0.1:$port/api/v1.0/debit/notify
  GET  http://127.0.0.1:$port/api/health   (dependency health: 200 healthy, 503 unhealthy)
Development partners: dev-qoinhub, dev-qoinhub-2 (keys and secrets in .dev/)
Azurite on 127.0.0.1: blob $blob_port, queue $queue_port, table $table_port ($azurite_note)
Storage connection string (the app's Storage__ConnectionString; the key is Azurite's public development key):
  $storage
Notifications go to the queue '$queue_name'.
Outbox records are signed with the MAC key '$Outbox__MacKeyId'$([ "$Outbox__MacKeyId" = dev ] && echo " (.dev/outbox-mac-key.txt; the operator tool needs Outbox__MacKeyId=dev Outbox__MacKeys__dev=\$(cat .dev/outbox-mac-key.txt))").
Telemetry: $telemetry

In another terminal, from the repository root, play QoinHub:
  dotnet $simulator_dll notify --queue-name $queue_name$base_url_option$storage_option
  dotnet $simulator_dll conformance --queue-connection-string "$storage" --queue-name $queue_name$base_url_option
  dotnet $simulator_dll queue peek$peek_queue_option$storage_option

MSG

wait "$app_pid"
