#!/usr/bin/env bash
# Measures the isolated worker's CPU per accepted notification: starts its own in-memory Azurite
# (free loopback ports) and the function app under the project's Functions host
# (tools/QoinHub.FunctionsHost, which starts the worker as a child process, as worker.config.json
# says), with two development partners with real keys and secrets, warms it up, then sends a load
# with the simulator and reads the worker's CPU time (utime + stime of /proc/<pid>/stat, all its
# threads) before and after. The host's own CPU and memory are reported on lines of their own.
# Prints one greppable line per figure, e.g.
#   cpu-per-notification worker: 1.250 ms (10000 accepted of 10000 sent, worker CPU 12.50 s, 240 notifications/s, concurrency 8)
#
#   ./scripts/cpu-per-notification.sh [options]
#     --app <dir>            the function app directory (default: artifacts/publish, the worker as
#                            deployed, published first by scripts/publish.sh unless up to date)
#     --label <text>         names the run in the output (default: worker)
#     --notifications <n>    notifications measured (default 10000)
#     --warmup <n>           notifications sent first and not counted (default 2000: long enough for
#                            tiered compilation to settle the hot code)
#     --concurrency <n>      notifications in flight (default 8)
#     --environment <name>   AZURE_FUNCTIONS_ENVIRONMENT of the worker (default Production, as on Azure)
#     --env NAME=VALUE       an extra app setting or runtime variable, e.g. --env DOTNET_gcServer=1
#                            or --env Logging__LogLevel__Default=Warning (repeatable; the host passes
#                            its environment to the worker, so runtime variables reach both)
#     --trace <file>         records a dotnet-trace (dotnet-sampled-thread-time) of the worker during
#                            the load into <file>.nettrace (dotnet-trace from PATH, ~/.dotnet/tools or
#                            $DOTNET_TRACE) and prints its busiest managed methods (scripts/trace-top.js,
#                            kept in <file>.top.txt); the CPU figure then includes the tracing overhead
#     --threads              also prints the CPU and context switches per notification of each kind
#                            of worker thread (by thread name: thread pool workers, socket engine, GC, ...)
#     --app-log <file>       keeps the host's output (its [host] lines, the worker's logs and output) in <file>
#     --perf <file>          records a perf CPU profile (perf record -g) of the worker during the load;
#                            the worker writes /tmp/perf-<pid>.map (DOTNET_PerfMapEnabled=1, W^X off)
#                            so that `perf report -i <file>` and scripts/perf-top.js name JIT-compiled
#                            frames (ReadyToRun code counts by its assembly until tiering re-compiles it)
# Needs the .NET SDK, Node.js (Azurite, after npm ci) and curl. Builds the Functions host and the
# simulator (Release) if they are missing or older than their sources. Leaves nothing running: the
# host and the worker run in a process group of their own, stopped as one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

app=""
label=worker
notifications=10000
warmup=2000
concurrency=8
environment=Production
trace=""
perf_out=""
threads=0
app_log=""
extra_env=()
simulator_dll=$root/tools/QoinHub.Simulator/bin/Release/net10.0/QoinHub.Simulator.dll
host_dll=$root/tools/QoinHub.FunctionsHost/bin/Release/net10.0/QoinHub.FunctionsHost.dll

fail() { printf 'cpu-per-notification.sh: %s\n' "$*" >&2; exit 1; }
positive() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || fail "$1 must be a positive whole number, not '$2'."; }

while [ $# -gt 0 ]; do
  case $1 in
    --app) app=${2:?--app needs a directory}; shift 2 ;;
    --label) label=${2:?--label needs a text}; shift 2 ;;
    --notifications) positive "$1" "${2:-}"; notifications=$2; shift 2 ;;
    --warmup) [[ "${2:-}" =~ ^[0-9]+$ ]] || fail "--warmup must be a whole number."; warmup=$2; shift 2 ;;
    --concurrency) positive "$1" "${2:-}"; concurrency=$2; shift 2 ;;
    --environment) environment=${2:?--environment needs a name}; shift 2 ;;
    --env) [[ "${2:-}" == *=* ]] || fail "--env takes NAME=VALUE."; extra_env+=("$2"); shift 2 ;;
    --trace) trace=${2:?--trace needs a file}; shift 2 ;;
    --perf) perf_out=${2:?--perf needs a file}; shift 2 ;;
    --threads) threads=1; shift ;;
    --app-log) app_log=${2:?--app-log needs a file}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option '$1' (see --help)." ;;
  esac
done
[ -z "$trace" ] || [ -z "$perf_out" ] || fail "--trace and --perf cannot be combined (each would count the other's overhead)."

command -v node >/dev/null || fail "Node.js is needed (it runs Azurite)."
command -v curl >/dev/null || fail "curl is needed."
[ -x node_modules/.bin/azurite ] || { echo "==> npm ci (Azurite)" >&2; npm ci --no-audit --no-fund --loglevel=error >&2; }

# up_to_date <file> <inputs...>: the file exists and is newer than every source file of the inputs.
up_to_date() {
  local file=$1
  shift
  [ -f "$file" ] && [ -z "$(find "$@" -type f -newer "$file" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]
}
if [ -z "$app" ]; then
  ./scripts/publish.sh artifacts/publish >&2 || fail "scripts/publish.sh failed."
  app=$root/artifacts/publish
fi
[ -d "$app" ] || fail "the function app directory '$app' does not exist."
app=$(cd "$app" && pwd)
[ -f "$app/worker.config.json" ] || fail "'$app' is not a function app: it has no worker.config.json (dotnet publish or build writes it)."
if ! up_to_date "$host_dll" tools/QoinHub.FunctionsHost tools/QoinHub.FunctionsHost.RpcDescriptor; then
  echo "==> building the Functions host (Release)" >&2
  dotnet build tools/QoinHub.FunctionsHost -c Release -v quiet -nologo >&2 || fail "the Functions host did not build."
fi
if ! up_to_date "$simulator_dll" tools/QoinHub.Simulator; then
  echo "==> building the simulator (Release)" >&2
  dotnet build tools/QoinHub.Simulator -c Release -v quiet -nologo >&2 || fail "the simulator did not build."
fi

if [ -n "$trace" ]; then
  dotnet_trace=${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}
  [ -x "$dotnet_trace" ] || fail "dotnet-trace not found: dotnet tool install dotnet-trace --tool-path <dir>, then DOTNET_TRACE=<dir>/dotnet-trace."
  trace=$(cd "$(dirname "$trace")" && pwd)/$(basename "${trace%.nettrace}").nettrace
fi
if [ -n "$perf_out" ]; then
  command -v perf >/dev/null || fail "perf is not installed."
  perf_out=$(cd "$(dirname "$perf_out")" && pwd)/$(basename "$perf_out")
fi

work=$(mktemp -d)
azurite_pid=""
host_pid=""
worker_pid=""
recorder_pid=""
waited_pid=""
# Whether a process is alive (a zombie is not).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}
# Stops a process group (TERM, then KILL after 10 s) and reaps its leader, a child of this script.
stop_group() {
  [ -n "$1" ] || return 0
  kill -TERM -- "-$1" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive "$1" || { [ -n "${2:-}" ] && alive "$2"; } || break
    sleep 0.1
  done
  kill -KILL -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  [ -z "$waited_pid" ] || { kill -TERM "$waited_pid" 2>/dev/null || true; wait "$waited_pid" 2>/dev/null || true; }
  [ -z "$recorder_pid" ] || { kill -TERM "$recorder_pid" 2>/dev/null || true; wait "$recorder_pid" 2>/dev/null || true; }
  stop_group "$host_pid" "$worker_pid"
  stop_group "$azurite_pid"
  [ -z "$app_log" ] || cp "$work/app.log" "$app_log" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# waited <command...>: runs it in the background and waits for it, so that a signal to this script is
# handled at once (bash runs a trap only once the foreground command has ended); the clean-up stops it.
waited() {
  local status=0
  "$@" &
  waited_pid=$!
  wait "$waited_pid" || status=$?
  waited_pid=""
  return "$status"
}

# utime + stime of a process (all its threads), in clock ticks.
cpu_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  echo $(( ${12} + ${13} ))
}
# Context switches of all its threads (voluntary and not); threads that end meanwhile are not counted.
context_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }
# One line per thread: id|name|utime+stime ticks|voluntary|involuntary context switches.
thread_table() {
  local task stat
  for task in /proc/"$1"/task/*; do
    stat=$(cat "$task/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    printf '%s|%s|%s|%s\n' "${task##*/}" "$(cat "$task/comm" 2>/dev/null)" $(( ${12} + ${13} )) \
      "$(awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v "|" n }' "$task/status" 2>/dev/null)"
  done
}
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# The worker: the host's child process started with --functions-worker-id.
worker_of() {
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    if tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null | grep -q -- '--functions-worker-id'; then
      echo "$child"
      return 0
    fi
  done
  return 1
}
ticks=$(getconf CLK_TCK)

echo "==> starting Azurite (in memory, free loopback ports)" >&2
set -m # each background job below leads a process group of its own, stopped as one
node_modules/.bin/azurite --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --loose --disableProductStyleUrl \
  --blobHost 127.0.0.1 --blobPort 0 --queueHost 127.0.0.1 --queuePort 0 --tableHost 127.0.0.1 --tablePort 0 \
  </dev/null >"$work/azurite.out" 2>&1 &
azurite_pid=$!
set +m
port_of() { sed -n "s/.*Azurite $1 service is successfully listening at http:\/\/[^:]*:\([0-9]*\).*/\1/p" "$work/azurite.out" | head -n1; }
for _ in $(seq 1 300); do
  alive "$azurite_pid" || fail "Azurite exited while starting: $(cat "$work/azurite.out")"
  [ -n "$(port_of Blob)" ] && [ -n "$(port_of Queue)" ] && [ -n "$(port_of Table)" ] && break
  sleep 0.2
done
[ -n "$(port_of Table)" ] || fail "Azurite did not report its ports within 60 s."
account=devstoreaccount1
# Azurite's public, well-known development key: not a secret.
account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
storage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$account_key;BlobEndpoint=http://127.0.0.1:$(port_of Blob)/$account;QueueEndpoint=http://127.0.0.1:$(port_of Queue)/$account;TableEndpoint=http://127.0.0.1:$(port_of Table)/$account;"

echo "==> development partners (keys and secrets in a temporary directory)" >&2
dotnet "$simulator_dll" dev-keys --out "$work/keys" >/dev/null 2>"$work/dev-keys.err" || fail "dev-keys failed: $(cat "$work/dev-keys.err")"

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')
app_env=(
  "AZURE_FUNCTIONS_ENVIRONMENT=$environment"
  "FUNCTIONS_WORKER_RUNTIME=dotnet-isolated"
  "OutboxRelaySchedule=0 */1 * * * *"
  "RetentionSchedule=0 30 19 * * *"
  "Storage__ConnectionString=$storage"
  "Storage__TokenTable=snaptokens"
  "Storage__NotificationTable=snapnotifications"
  "LocalQueue__Name=payment-notifications"
  "Outbox__MacKeyId=bench"
  "Outbox__MacKeys__bench=$(head -c 32 /dev/urandom | base64)"
  "Partners__0__ClientId=dev-qoinhub"
  "Partners__0__PublicKeys__0=$work/keys/dev-qoinhub/public.pem"
  "Partners__0__ClientSecrets__0=$(cat "$work/keys/dev-qoinhub/client-secret.txt")"
  "Partners__1__ClientId=dev-qoinhub-2"
  "Partners__1__PublicKeys__0=$work/keys/dev-qoinhub-2/public.pem"
  "Partners__1__ClientSecrets__0=$(cat "$work/keys/dev-qoinhub-2/client-secret.txt")"
)
# perf finds JIT-compiled frames in /tmp/perf-<pid>.map, and only outside the W^X double mapping.
[ -z "$perf_out" ] || app_env+=("DOTNET_PerfMapEnabled=1" "DOTNET_EnableWriteXorExecute=0")
app_env+=("${extra_env[@]}")

echo "==> starting the Functions host on 127.0.0.1:$port with $app (timers not run)" >&2
mkdir "$work/host"
set -m
(cd "$work/host" && exec env "${app_env[@]}" dotnet "$host_dll" --port "$port" --app "$app" --no-timers) </dev/null >"$work/app.log" 2>&1 &
host_pid=$!
set +m
started=$(date +%s%N)
until curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1; do
  alive "$host_pid" || fail "the host exited while starting: $(tail -n 20 "$work/app.log")"
  [ $(( $(date +%s%N) - started )) -lt 90000000000 ] || fail "the host did not answer GET / with 200 within 90 s: $(tail -n 20 "$work/app.log")"
  sleep 0.05
done
worker_pid=$(worker_of "$host_pid") || fail "the host answers, but no worker process is found among its children: $(tail -n 20 "$work/app.log")"
echo "rss-after-start $label: $(rss_mb "$worker_pid") MB (worker VmRSS once the host answered GET / with 200)"
echo "host-rss-after-start $label: $(rss_mb "$host_pid") MB (the Functions host's VmRSS, same moment)"

load() {
  waited dotnet "$simulator_dll" load --base-url "http://127.0.0.1:$port" --credentials "$work/keys/dev-qoinhub" \
    --count "$1" --concurrency "$concurrency" --report "$2" >"$2.out" 2>/dev/null || true
  [ -f "$2" ] || fail "the simulator's load wrote no report: $(cat "$2.out")"
}
# Answers '200 2005600' and the elapsed seconds, from a load report.
accepted_of() { node -e 'const r=require(process.argv[1]);console.log(r.answers["200 2005600"]||0)' "$1"; }
field_of() { node -e 'const r=require(process.argv[1]);console.log(r[process.argv[2]])' "$1" "$2"; }

if [ "$warmup" -gt 0 ]; then
  echo "==> warm-up: $warmup notifications (not counted)" >&2
  load "$warmup" "$work/warmup.json"
  [ "$(accepted_of "$work/warmup.json")" -gt 0 ] || fail "no warm-up notification was accepted: $(cat "$work/warmup.json.out"); host log: $(tail -n 20 "$work/app.log")"
fi

if [ -n "$trace" ]; then
  echo "==> dotnet-trace (dotnet-sampled-thread-time) of the worker into $trace" >&2
  "$dotnet_trace" collect -p "$worker_pid" --profile dotnet-sampled-thread-time -o "$trace" >"$work/recorder.out" 2>&1 &
  recorder_pid=$!
  until grep -q "Output File" "$work/recorder.out" 2>/dev/null; do
    alive "$recorder_pid" || fail "dotnet-trace did not start: $(cat "$work/recorder.out")"
    sleep 0.1
  done
elif [ -n "$perf_out" ]; then
  echo "==> perf record of the worker into $perf_out" >&2
  perf record -F 999 -g -p "$worker_pid" -o "$perf_out" >"$work/recorder.out" 2>&1 &
  recorder_pid=$!
  sleep 1
fi

echo "==> load: $notifications notifications at concurrency $concurrency" >&2
worker_before=$(cpu_ticks "$worker_pid")
host_before=$(cpu_ticks "$host_pid")
switches_before=$(context_switches "$worker_pid")
[ "$threads" = 0 ] || thread_table "$worker_pid" >"$work/threads.before"
azurite_before=$(cpu_ticks "$azurite_pid")
load "$notifications" "$work/load.json"
worker_after=$(cpu_ticks "$worker_pid")
host_after=$(cpu_ticks "$host_pid")
switches_after=$(context_switches "$worker_pid")
[ "$threads" = 0 ] || thread_table "$worker_pid" >"$work/threads.after"
azurite_after=$(cpu_ticks "$azurite_pid")
rss_after=$(rss_mb "$worker_pid")
host_rss_after=$(rss_mb "$host_pid")

if [ -n "$recorder_pid" ]; then
  # Both stop cleanly on TERM and write their file (SIGINT is ignored by background jobs).
  kill -TERM "$recorder_pid"
  wait "$recorder_pid" 2>/dev/null || true
  recorder_pid=""
fi

sent=$(field_of "$work/load.json" requests)
accepted=$(accepted_of "$work/load.json")
elapsed=$(field_of "$work/load.json" elapsedSeconds)
[ "$accepted" -gt 0 ] || fail "no notification was accepted: $(cat "$work/load.json.out"); host log: $(tail -n 20 "$work/app.log")"
node -e '
  const [label, ticks, workerTicks, hostTicks, azuriteTicks, accepted, sent, elapsed, concurrency, rss, hostRss, switches, warmup] = process.argv.slice(1);
  const ms = t => Number(t) * 1000 / Number(ticks);
  const rate = Number(accepted) / Number(elapsed);
  console.log(`cpu-per-notification ${label}: ${(ms(workerTicks) / Number(accepted)).toFixed(3)} ms (${accepted} accepted of ${sent} sent, worker CPU ${(ms(workerTicks) / 1000).toFixed(2)} s, ${rate.toFixed(0)} notifications/s, concurrency ${concurrency})`);
  console.log(`host-cpu ${label}: ${(ms(hostTicks) / Number(accepted)).toFixed(3)} ms per notification (the Functions host, ${(ms(hostTicks) / 1000).toFixed(2)} s)`);
  console.log(`throughput ${label}: ${rate.toFixed(1)} notifications/s (${Number(elapsed).toFixed(2)} s)`);
  console.log(`rss-after-load ${label}: ${rss} MB (worker, after ${Number(warmup) + Number(sent)} notifications: ${warmup} warm-up + ${sent} measured)`);
  console.log(`host-rss-after-load ${label}: ${hostRss} MB (the Functions host, same moment)`);
  console.log(`context-switches ${label}: ${(Number(switches) / Number(accepted)).toFixed(1)} per notification (worker threads)`);
  console.log(`azurite-cpu ${label}: ${(ms(azuriteTicks) / Number(accepted)).toFixed(3)} ms per notification (${(ms(azuriteTicks) / 1000).toFixed(2)} s)`);
' -- "$label" "$ticks" $((worker_after - worker_before)) $((host_after - host_before)) $((azurite_after - azurite_before)) \
  "$accepted" "$sent" "$elapsed" "$concurrency" "$rss_after" "$host_rss_after" $((switches_after - switches_before)) "$warmup"
grep -E '^(latency|answers|  )' "$work/load.json.out" | sed "s/^/load $label: /"
if [ "$threads" = 1 ]; then
  # Threads are grouped by name (numbered pool threads by their name without the number).
  awk -F'|' -v label="$label" -v tick_ms="$((1000 / ticks))" -v n="$accepted" '
    FNR == NR { cpu[$1] = $3; vol[$1] = $4; inv[$1] = $5; next }
    { name = $2; sub(/ *#?[0-9]+$/, "", name); count[name]++
      c[name] += $3 - cpu[$1]; v[name] += $4 - vol[$1]; i[name] += $5 - inv[$1] }
    END { for (name in count) printf "%.6f|threads %s: %-20s x%-3d %6.3f ms CPU, %5.1f + %4.1f context switches per notification\n", c[name] * tick_ms / n, label, name, count[name], c[name] * tick_ms / n, v[name] / n, i[name] / n }
  ' "$work/threads.before" "$work/threads.after" | sort -t'|' -k1,1 -g -r | cut -d'|' -f2-
fi
if [ -n "$trace" ]; then
  # The busiest managed code of the trace (scripts/trace-top.js), also kept beside it.
  "$dotnet_trace" convert "$trace" --format Speedscope -o "${trace%.nettrace}" >/dev/null 2>&1 \
    && node "$root/scripts/trace-top.js" "${trace%.nettrace}.speedscope.json" 15 >"${trace%.nettrace}.top.txt" \
    && sed "s/^/trace $label: /" "${trace%.nettrace}.top.txt" \
    || echo "trace $label: could not summarise $trace" >&2
  echo "trace $label: $trace (summary in ${trace%.nettrace}.top.txt)"
fi
[ -z "$perf_out" ] || echo "perf $label: $perf_out (node scripts/perf-top.js $perf_out)"
