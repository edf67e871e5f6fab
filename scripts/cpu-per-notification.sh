#!/usr/bin/env bash
# Measures the app's CPU per accepted notification: starts its own in-memory Azurite (free loopback
# ports) and the app (as the Functions host runs it: FUNCTIONS_CUSTOMHANDLER_PORT, two development
# partners with real keys and secrets), warms it up, then sends a load with the simulator and reads
# the app's CPU time (utime + stime of /proc/<pid>/stat) before and after. Prints one greppable line
# per figure, e.g.
#   cpu-per-notification jit: 0.55 ms (10000 accepted of 10000 sent, app CPU 5.50 s, 812 notifications/s, concurrency 8)
#
#   ./scripts/cpu-per-notification.sh [options]
#     --app <path>           the app: a .dll (run with dotnet) or a native executable
#                            (default: the Release build, src/Functions/bin/Release/net10.0/QoinHub.Merchant.Functions.dll)
#     --label <text>         names the run in the output (default: jit for a .dll, native otherwise)
#     --notifications <n>    notifications measured (default 10000)
#     --warmup <n>           notifications sent first and not counted (default 2000: long enough for
#                            the JIT build to finish tiering up its hot code)
#     --concurrency <n>      notifications in flight (default 8)
#     --environment <name>   ASPNETCORE_ENVIRONMENT of the app (default Production, as on Azure)
#     --env NAME=VALUE       an extra app setting or runtime variable, e.g. --env DOTNET_gcServer=1
#                            or --env Logging__LogLevel__Default=Warning (repeatable)
#     --trace <file>         records a dotnet-trace (dotnet-sampled-thread-time) of the app during the
#                            load into <file>.nettrace (.dll only; dotnet-trace from PATH, ~/.dotnet/tools
#                            or $DOTNET_TRACE) and prints its busiest managed methods (scripts/trace-top.js,
#                            kept in <file>.top.txt); the CPU figure then includes the tracing overhead
#     --threads              also prints the CPU and context switches per notification of each kind
#                            of app thread (by thread name: thread pool workers, socket engine, console logger, GC)
#     --app-log <file>       keeps the app's output (its console log) in <file>
#     --perf <file>          records a perf CPU profile (perf record -g) of the app during the load;
#                            for a .dll the app writes /tmp/perf-<pid>.map (DOTNET_PerfMapEnabled=1, W^X off)
#                            so that `perf report -i <file>` names JIT-compiled frames
# Needs the .NET SDK, Node.js (Azurite, after npm ci) and curl. Builds the app and the simulator
# (Release) if they are missing. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

app=""
label=""
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
default_app=$root/src/Functions/bin/Release/net10.0/QoinHub.Merchant.Functions.dll

fail() { printf 'cpu-per-notification.sh: %s\n' "$*" >&2; exit 1; }
positive() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || fail "$1 must be a positive whole number, not '$2'."; }

while [ $# -gt 0 ]; do
  case $1 in
    --app) app=${2:?--app needs a path}; shift 2 ;;
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

command -v node >/dev/null || fail "Node.js is needed (it runs Azurite)."
command -v curl >/dev/null || fail "curl is needed."
[ -x node_modules/.bin/azurite ] || { echo "==> npm ci (Azurite)" >&2; npm ci --no-audit --no-fund --loglevel=error >&2; }

if [ -z "$app" ]; then
  app=$default_app
  [ -f "$app" ] || { echo "==> building the app (Release)" >&2; dotnet build src/Functions -c Release -v quiet -nologo >&2; }
fi
[ -f "$app" ] || fail "the app '$app' does not exist."
app=$(cd "$(dirname "$app")" && pwd)/$(basename "$app")
if [[ "$app" == *.dll ]]; then
  app_command=(dotnet "$app")
  label=${label:-jit}
else
  [ -x "$app" ] || fail "the app '$app' is neither a .dll nor an executable."
  app_command=("$app")
  label=${label:-native}
  [ -z "$trace" ] || fail "--trace needs a .dll (dotnet-trace does not attach to a native build); use --perf."
fi
[ -f "$simulator_dll" ] || { echo "==> building the simulator (Release)" >&2; dotnet build tools/QoinHub.Simulator -c Release -v quiet -nologo >&2; }

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
app_pid=""
recorder_pid=""
# Stops a child and waits for it (TERM, then KILL after 10 s).
stop() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  stop "$recorder_pid"; stop "$app_pid"; stop "$azurite_pid"
  [ -z "$app_log" ] || cp "$work/app.log" "$app_log" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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
ticks=$(getconf CLK_TCK)

echo "==> starting Azurite (in memory, free loopback ports)" >&2
node_modules/.bin/azurite --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --loose --disableProductStyleUrl \
  --blobHost 127.0.0.1 --blobPort 0 --queueHost 127.0.0.1 --queuePort 0 --tableHost 127.0.0.1 --tablePort 0 \
  >"$work/azurite.out" 2>&1 &
azurite_pid=$!
port_of() { sed -n "s/.*Azurite $1 service is successfully listening at http:\/\/[^:]*:\([0-9]*\).*/\1/p" "$work/azurite.out" | head -n1; }
for _ in $(seq 1 300); do
  kill -0 "$azurite_pid" 2>/dev/null || fail "Azurite exited while starting: $(cat "$work/azurite.out")"
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
  "FUNCTIONS_CUSTOMHANDLER_PORT=$port"
  "ASPNETCORE_ENVIRONMENT=$environment"
  "Storage__ConnectionString=$storage"
  "LocalQueue__Name=payment-notifications"
  "Partners__0__ClientId=dev-qoinhub"
  "Partners__0__PublicKeys__0=$work/keys/dev-qoinhub/public.pem"
  "Partners__0__ClientSecrets__0=$(cat "$work/keys/dev-qoinhub/client-secret.txt")"
  "Partners__1__ClientId=dev-qoinhub-2"
  "Partners__1__PublicKeys__0=$work/keys/dev-qoinhub-2/public.pem"
  "Partners__1__ClientSecrets__0=$(cat "$work/keys/dev-qoinhub-2/client-secret.txt")"
)
# perf finds JIT-compiled frames in /tmp/perf-<pid>.map, and only outside the W^X double mapping.
[ -z "$perf_out" ] || [[ "$app" != *.dll ]] || app_env+=("DOTNET_PerfMapEnabled=1" "DOTNET_EnableWriteXorExecute=0")
app_env+=("${extra_env[@]}")

echo "==> starting the app on 127.0.0.1:$port: ${app_command[*]}" >&2
# Its own empty working directory (the content root), as under the Functions host; its log is kept for failures.
mkdir "$work/app"
(cd "$work/app" && exec env "${app_env[@]}" "${app_command[@]}") >"$work/app.log" 2>&1 &
app_pid=$!
started=$(date +%s%N)
until curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1; do
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited while starting: $(tail -n 20 "$work/app.log")"
  [ $(( $(date +%s%N) - started )) -lt 60000000000 ] || fail "the app did not answer GET / within 60 s: $(tail -n 20 "$work/app.log")"
  sleep 0.05
done
echo "rss-after-start $label: $(rss_mb "$app_pid") MB (VmRSS once GET / answered)"

load() {
  dotnet "$simulator_dll" load --base-url "http://127.0.0.1:$port" --credentials "$work/keys/dev-qoinhub" \
    --count "$1" --concurrency "$concurrency" --report "$2" >"$2.out" 2>/dev/null || true
  [ -f "$2" ] || fail "the simulator's load wrote no report: $(cat "$2.out")"
}
# Answers '200 2005600' and the elapsed seconds, from a load report.
accepted_of() { node -e 'const r=require(process.argv[1]);console.log(r.answers["200 2005600"]||0)' "$1"; }
field_of() { node -e 'const r=require(process.argv[1]);console.log(r[process.argv[2]])' "$1" "$2"; }

if [ "$warmup" -gt 0 ]; then
  echo "==> warm-up: $warmup notifications (not counted)" >&2
  load "$warmup" "$work/warmup.json"
  [ "$(accepted_of "$work/warmup.json")" -gt 0 ] || fail "no warm-up notification was accepted: $(cat "$work/warmup.json.out"); app log: $(tail -n 20 "$work/app.log")"
fi

if [ -n "$trace" ]; then
  echo "==> dotnet-trace (dotnet-sampled-thread-time) into $trace" >&2
  "$dotnet_trace" collect -p "$app_pid" --profile dotnet-sampled-thread-time -o "$trace" >"$work/recorder.out" 2>&1 &
  recorder_pid=$!
  until grep -q "Output File" "$work/recorder.out" 2>/dev/null; do
    kill -0 "$recorder_pid" 2>/dev/null || fail "dotnet-trace did not start: $(cat "$work/recorder.out")"
    sleep 0.1
  done
elif [ -n "$perf_out" ]; then
  echo "==> perf record into $perf_out" >&2
  perf record -F 999 -g -p "$app_pid" -o "$perf_out" >"$work/recorder.out" 2>&1 &
  recorder_pid=$!
  sleep 1
fi

echo "==> load: $notifications notifications at concurrency $concurrency" >&2
app_before=$(cpu_ticks "$app_pid")
switches_before=$(context_switches "$app_pid")
[ "$threads" = 0 ] || thread_table "$app_pid" >"$work/threads.before"
azurite_before=$(cpu_ticks "$azurite_pid")
load "$notifications" "$work/load.json"
app_after=$(cpu_ticks "$app_pid")
switches_after=$(context_switches "$app_pid")
[ "$threads" = 0 ] || thread_table "$app_pid" >"$work/threads.after"
azurite_after=$(cpu_ticks "$azurite_pid")
rss_after=$(rss_mb "$app_pid")

if [ -n "$recorder_pid" ]; then
  # Both stop cleanly on TERM and write their file (SIGINT is ignored by background jobs).
  kill -TERM "$recorder_pid"
  wait "$recorder_pid" 2>/dev/null || true
  recorder_pid=""
fi

sent=$(field_of "$work/load.json" requests)
accepted=$(accepted_of "$work/load.json")
elapsed=$(field_of "$work/load.json" elapsedSeconds)
[ "$accepted" -gt 0 ] || fail "no notification was accepted: $(cat "$work/load.json.out")"
node -e '
  const [label, ticks, appTicks, azuriteTicks, accepted, sent, elapsed, concurrency, rss, switches, warmup] = process.argv.slice(1);
  const ms = t => Number(t) * 1000 / Number(ticks);
  const perNotification = ms(appTicks) / Number(accepted);
  console.log(`cpu-per-notification ${label}: ${perNotification.toFixed(3)} ms (${accepted} accepted of ${sent} sent, app CPU ${(ms(appTicks) / 1000).toFixed(2)} s, ${(Number(accepted) / Number(elapsed)).toFixed(0)} notifications/s, concurrency ${concurrency})`);
  console.log(`throughput ${label}: ${(Number(accepted) / Number(elapsed)).toFixed(1)} notifications/s (${Number(elapsed).toFixed(2)} s)`);
  console.log(`rss-after-load ${label}: ${rss} MB (after ${Number(warmup) + Number(sent)} notifications: ${warmup} warm-up + ${sent} measured)`);
  console.log(`context-switches ${label}: ${(Number(switches) / Number(accepted)).toFixed(1)} per notification (app threads)`);
  console.log(`azurite-cpu ${label}: ${(ms(azuriteTicks) / Number(accepted)).toFixed(3)} ms per notification (${(ms(azuriteTicks) / 1000).toFixed(2)} s)`);
' "$label" "$ticks" $((app_after - app_before)) $((azurite_after - azurite_before)) "$accepted" "$sent" "$elapsed" "$concurrency" "$rss_after" $((switches_after - switches_before)) "$warmup"
grep -E '^(latency|answers|  )' "$work/load.json.out" | sed "s/^/load $label: /"
if [ "$threads" = 1 ]; then
  # Threads are grouped by name (numbered pool threads by their name without the number).
  awk -F'|' -v label="$label" -v tick_ms="$((1000 / ticks))" -v n="$accepted" '
    FNR == NR { cpu[$1] = $3; vol[$1] = $4; inv[$1] = $5; next }
    { name = $2; sub(/ *#?[0-9]+$/, "", name); count[name]++
      c[name] += $3 - cpu[$1]; v[name] += $4 - vol[$1]; i[name] += $5 - inv[$1] }
    END { for (name in count) printf "threads %s: %-20s x%-3d %6.3f ms CPU, %5.1f + %4.1f context switches per notification\n", label, name, count[name], c[name] * tick_ms / n, v[name] / n, i[name] / n }
  ' "$work/threads.before" "$work/threads.after" | sort -t, -k1,1 -k2 | sort -k6 -g -r
fi
if [ -n "$trace" ]; then
  # The busiest managed code of the trace (scripts/trace-top.js), also kept beside it.
  "$dotnet_trace" convert "$trace" --format Speedscope -o "${trace%.nettrace}" >/dev/null 2>&1 \
    && node "$root/scripts/trace-top.js" "${trace%.nettrace}.speedscope.json" 15 >"${trace%.nettrace}.top.txt" \
    && sed "s/^/trace $label: /" "${trace%.nettrace}.top.txt" \
    || echo "trace $label: could not summarise $trace" >&2
  echo "trace $label: $trace (summary in ${trace%.nettrace}.top.txt)"
fi
[ -z "$perf_out" ] || echo "perf $label: $perf_out"
