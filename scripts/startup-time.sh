#!/usr/bin/env bash
# Measures the isolated worker in one run, under the project's Functions host
# (tools/QoinHub.FunctionsHost, which starts the worker as a child process and forwards HTTP to it):
#
#   (a) the app as deployed: scripts/publish.sh's output (artifacts/publish: linux-x64,
#       framework-dependent, ReadyToRun)
#   (b) a bare isolated worker with one anonymous HTTP GET function (benchmarks/WorkerHello), published
#       the same way into artifacts/startup/hello: what any isolated worker costs
#
# and prints the figures beside those of the retired Native AOT custom handler (measured 2026-11-24
# with the native build, docs/performance.md and the README; quoted, not re-measured).
#
# Start-up, medians of <count> starts of each (default 10), taken in turn: from process start (the
# moment the host process is started; it starts the worker) to GET / answered 200 (the host's
# readiness probe: the worker has loaded its functions), and to the first function answer: for (a) a
# signed Access Token B2B request, sent as soon as GET / answers, answered 2007300 (RSA verification
# and the token row written to Table Storage on Azurite); for (b) GET /api/hello answered 200. From
# /proc, for each start: how long the host ran alone before it started the worker (the two
# processes' start times, 10 ms resolution), hence the worker's start to the first answer (the
# figure closest to the retired build's, whose process was started directly), and the resident
# memory (VmRSS) of the worker and of the host once GET / answered. Each start is a new host and worker against a running Azurite (its own, in
# memory, on free loopback ports) whose token table already exists, as for every instance after the
# first (one start of each, not counted, comes first). The token request is signed with openssl
# before each start, outside the measured time. Run as root, everything runs at nice -20 so that
# other work on a shared machine disturbs the figures as little as possible; compare figures within
# one run.
#
# Then, unless --no-load, the load: scripts/cpu-per-notification.sh on (a), --rounds times (default
# 1): --warmup notifications (default 2,000, not counted), then --notifications (default 10,000)
# with `simulator load --concurrency 8`; the worker's and the host's VmRSS once GET / answered and
# after the load, and their CPU time (utime + stime from /proc/<pid>/stat) over the load divided by
# the accepted notifications. Then the floor: (b) answering GET /api/hello at the rate (a) reached
# (scripts/get-at-rate.js, concurrency 8, as many requests as notifications after as many of
# warm-up), its worker's and host's CPU per request.
#
#   ./scripts/startup-time.sh [count] [--notifications N] [--warmup N] [--rounds N] [--no-load]
# Needs the .NET SDK, Node.js (Azurite, after npm ci), curl and openssl. Publishes and builds what it
# measures when missing or older than the sources. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
runs=10
notifications=10000
warmup=2000
rounds=1
with_load=yes

fail() { printf 'startup-time.sh: %s\n' "$*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --notifications) notifications=${2:?--notifications needs a number}; shift 2 ;;
    --warmup) warmup=${2:?--warmup needs a number}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --no-load) with_load=no; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option '$1' (see --help)." ;;
    *) runs=$1; shift ;;
  esac
done
for number in "$runs" "$notifications" "$rounds"; do
  [[ "$number" =~ ^[1-9][0-9]*$ ]] || fail "'$number' is not a positive whole number (see --help)."
done
[[ "$warmup" =~ ^[0-9]+$ ]] || fail "--warmup must be a whole number, not '$warmup'."
for tool in curl openssl node dotnet; do
  command -v "$tool" >/dev/null || fail "$tool is needed."
done
[ -x node_modules/.bin/azurite ] || { echo "==> npm ci (Azurite)"; npm ci --no-audit --no-fund --loglevel=error; }

host_dll=$root/tools/QoinHub.FunctionsHost/bin/Release/net10.0/QoinHub.FunctionsHost.dll
app_dir=$root/artifacts/publish
hello_dir=$root/artifacts/startup/hello

# up_to_date <file> <inputs...>: the file exists and is newer than every source file of the inputs.
up_to_date() {
  local file=$1
  shift
  [ -f "$file" ] && [ -z "$(find "$@" -type f -newer "$file" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]
}
echo "==> publishing: the app (scripts/publish.sh, artifacts/publish) and the bare worker (artifacts/startup/hello), linux-x64 ReadyToRun; the Functions host"
./scripts/publish.sh artifacts/publish >/dev/null || fail "scripts/publish.sh failed."
mkdir -p artifacts/startup
exec 8>artifacts/startup/hello.lock
flock 8
if ! up_to_date "$hello_dir/WorkerHello.dll" benchmarks/WorkerHello Directory.Build.props Directory.Packages.props global.json; then
  rm -rf "$hello_dir"
  # As scripts/publish.sh publishes the app: framework-dependent, ReadyToRun, bin/obj of its own.
  dotnet publish benchmarks/WorkerHello/WorkerHello.csproj -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true --artifacts-path "$root/artifacts/startup/build-hello" -o "$hello_dir" \
    -v quiet -nologo >"$root/artifacts/startup/hello-publish.log" 2>&1 \
    || fail "the bare worker did not publish: $(grep -E ': error ' "$root/artifacts/startup/hello-publish.log" | sort -u | head -n 5)"
fi
exec 8>&-
if ! up_to_date "$host_dll" tools/QoinHub.FunctionsHost tools/QoinHub.FunctionsHost.RpcDescriptor; then
  dotnet build tools/QoinHub.FunctionsHost -c Release -v quiet -nologo >/dev/null || fail "the Functions host did not build."
fi

if [ "$(id -u)" = 0 ]; then
  renice -n -20 -p $$ >/dev/null
fi

work=$(mktemp -d)
azurite_pid=""
host_pid=""
worker_pid=""
waited_pid=""
# Whether a process is alive (a zombie is not).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}
# Stops a process group (TERM, then KILL after 10 s) and reaps its leader, a child of this script;
# the second argument, a process of the group to wait for as well.
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
  stop_group "$host_pid" "$worker_pid"
  stop_group "$azurite_pid"
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

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# The helpers below that take a variable name set it with builtins only: between process start and
# the first answer nothing is started that the measured processes would share the cores with.
# now_us <var>: microseconds.
now_us() { local -n now_into=$1; now_into=${EPOCHREALTIME//[.,]/}; }
# rss_mb <var> <pid>: VmRSS in MB, one decimal.
rss_mb() {
  local -n rss_into=$1
  local key value _
  while read -r key value _; do
    if [ "$key" = VmRSS: ]; then rss_into=$(( value / 1024 )).$(( value % 1024 * 10 / 1024 )); return 0; fi
  done <"/proc/$2/status"
  return 1
}
# worker_of <var> <host pid>: the worker, the host's child process started with --functions-worker-id.
worker_of() {
  local -n worker_into=$1
  local children child kids arguments argument
  for children in /proc/"$2"/task/*/children; do
    kids=()
    read -r -a kids <"$children" 2>/dev/null || true # the file has no newline: read answers 1 at its end
    for child in "${kids[@]}"; do
      mapfile -d '' arguments <"/proc/$child/cmdline" 2>/dev/null || continue
      for argument in "${arguments[@]}"; do
        if [ "$argument" = --functions-worker-id ]; then worker_into=$child; return 0; fi
      done
    done
  done
  return 1
}
# A process's start time, in clock ticks since boot (field 22 of /proc/<pid>/stat).
started_at() {
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  echo "${20}"
}
cpu_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  echo $(( ${12} + ${13} ))
}
ticks=$(getconf CLK_TCK)

echo "==> Azurite (in memory, free loopback ports) and a partner key"
set -m # each background job leads a process group of its own, stopped as one
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
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
storage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$(port_of Blob)/$account;QueueEndpoint=http://127.0.0.1:$(port_of Queue)/$account;TableEndpoint=http://127.0.0.1:$(port_of Table)/$account;"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/private.pem" 2>/dev/null
openssl pkey -in "$work/private.pem" -pubout -out "$work/public.pem"

# The app's settings (the host passes its environment to the worker); timers are not run (--no-timers),
# but their schedules are set so that the host loads them without error. Production, as on Azure.
client=startup-partner
export AZURE_FUNCTIONS_ENVIRONMENT=Production FUNCTIONS_WORKER_RUNTIME=dotnet-isolated
export OutboxRelaySchedule="0 */1 * * * *" RetentionSchedule="0 30 19 * * *"
export Storage__ConnectionString="$storage" Storage__TokenTable=startuptokens Storage__NotificationTable=startupnotifications
export LocalQueue__Name=payment-notifications
# A fresh outbox MAC key for this run's fresh Azurite.
export Outbox__MacKeyId=startup Outbox__MacKeys__startup="$(head -c 32 /dev/urandom | base64)"
export Partners__0__ClientId=$client Partners__0__PublicKeys__0="$work/public.pem" Partners__0__ClientSecrets__0=startup-secret
# The bare worker logs as the app does by default: no ASP.NET Core request logs (src/Functions/MerchantWorker.cs).
hello_env=("Logging__LogLevel__Microsoft.AspNetCore=Warning")

# A signed token request: headers written to a file for curl (Asia/Jakarta time, as QoinHub sends it).
sign() {
  local timestamp signature
  timestamp=$(TZ=Asia/Jakarta date +%Y-%m-%dT%H:%M:%S+07:00)
  signature=$(printf '%s|%s' "$client" "$timestamp" | openssl dgst -sha256 -sign "$work/private.pem" | base64 -w0)
  printf 'Content-Type: application/json\nX-TIMESTAMP: %s\nX-CLIENT-KEY: %s\nX-SIGNATURE: %s\n' "$timestamp" "$client" "$signature" >"$work/headers"
}

# start_host <app dir> <port> [NAME=VALUE...]: the host in a process group of its own; sets host_pid.
start_host() {
  local dir=$1 port=$2
  shift 2
  set -m
  env "$@" dotnet "$host_dll" --port "$port" --app "$dir" --no-timers </dev/null >"$work/host.log" 2>&1 &
  host_pid=$!
  set +m
}
# wait_ready <port>: until GET / answers 200; fails if the host exits or takes over 90 s.
wait_ready() {
  local begun
  now_us begun
  until curl -sf -o /dev/null "http://127.0.0.1:$1/"; do
    alive "$host_pid" || fail "the host exited before answering GET / with 200: $(tail -n 20 "$work/host.log")"
    [ $(( ${EPOCHREALTIME//[.,]/} - begun )) -lt 90000000 ] || fail "the host did not answer GET / with 200 within 90 s: $(tail -n 20 "$work/host.log")"
    sleep 0.005
  done
}

# start_once app|hello: one start, then stops it; sets result to
#   <ms to GET /> <ms to the first answer> <ms the host ran before starting the worker> <worker MB> <host MB>
#   <ms from the worker's start to the first answer>
# (not printed: run in a command substitution, the host would be started in a subshell the clean-up does not see).
start_once() {
  local build=$1 port start ready answered answer worker_rss host_rss head_start
  port=$(free_port)
  if [ "$build" = app ]; then
    sign
    now_us start
    start_host "$app_dir" "$port"
  else
    now_us start
    start_host "$hello_dir" "$port" "${hello_env[@]}"
  fi
  wait_ready "$port"
  now_us ready
  worker_of worker_pid "$host_pid" || fail "the host answers, but no worker process is found among its children: $(tail -n 20 "$work/host.log")"
  rss_mb worker_rss "$worker_pid"
  rss_mb host_rss "$host_pid"
  if [ "$build" = app ]; then
    answer=$(curl -s -X POST -H @"$work/headers" --data '{"grantType":"client_credentials","additionalInfo":{}}' \
      "http://127.0.0.1:$port/api/v1.0/access-token/b2b")
    [[ "$answer" == *'"responseCode":"2007300"'* ]] || fail "the token request was not answered 2007300: $answer; host log: $(tail -n 20 "$work/host.log")"
  else
    answer=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/hello")
    [ "$answer" = 200 ] || fail "GET /api/hello answered $answer, not 200; host log: $(tail -n 20 "$work/host.log")"
  fi
  now_us answered
  head_start=$(( ($(started_at "$worker_pid") - $(started_at "$host_pid")) * 1000 / ticks ))
  stop_group "$host_pid" "$worker_pid"
  host_pid=""
  worker_pid=""
  result="$(( (ready - start) / 1000 )) $(( (answered - start) / 1000 )) $head_start $worker_rss $host_rss $(( (answered - start) / 1000 - head_start ))"
}

# The median of whole numbers, rounded to a whole number; of decimals, to the decimals they have.
median() {
  sort -g | awk '{ v[NR] = $1; if (index($1, ".") && length($1) - index($1, ".") > d) d = length($1) - index($1, ".") }
    END { if (NR == 0) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.*f\n", d, m }'
}
range() { sort -g | awk 'NR == 1 { min = $1 } { max = $1 } END { print min "-" max }'; }
# column <n> <lines>: the n-th figure of every line.
column() { cut -d' ' -f"$1" <<<"$2" | sed '/^$/d'; }
# figure <n> <lines> <unit>: "median unit (min-max)".
figure() { echo "$(column "$1" "$2" | median) $3 ($(column "$1" "$2" | range))"; }

# One start of each build per round, in turn, so that a burst of other work on the machine falls on
# both alike rather than on whichever was being measured.
echo "==> start-up: medians of $runs starts each, taken in turn (min-max)"
result=""
start_once app # not counted: the page cache; the token table exists from here on
start_once hello
app_runs=""
hello_runs=""
for _ in $(seq 1 "$runs"); do
  start_once app
  app_runs+=$result$'\n'
  start_once hello
  hello_runs+=$result$'\n'
done
printf 'start-up (a) app:  GET / %s, first 2007300 %s; of which the host alone %s, worker start -> first 2007300 %s\n' \
  "$(figure 1 "$app_runs" ms)" "$(figure 2 "$app_runs" ms)" "$(figure 3 "$app_runs" ms)" "$(figure 6 "$app_runs" ms)"
printf 'start-up (b) bare: GET / %s, first 200 %s; of which the host alone %s, worker start -> first 200 %s\n' \
  "$(figure 1 "$hello_runs" ms)" "$(figure 2 "$hello_runs" ms)" "$(figure 3 "$hello_runs" ms)" "$(figure 6 "$hello_runs" ms)"
printf 'rss-after-start (a) app:  worker %s, host %s (once GET / answered)\n' "$(figure 4 "$app_runs" MB)" "$(figure 5 "$app_runs" MB)"
printf 'rss-after-start (b) bare: worker %s, host %s (once GET / answered)\n' "$(figure 4 "$hello_runs" MB)" "$(figure 5 "$hello_runs" MB)"

app_first=$(column 2 "$app_runs" | median)
app_ready=$(column 1 "$app_runs" | median)
hello_first=$(column 2 "$hello_runs" | median)
app_head=$(column 3 "$app_runs" | median)
hello_head=$(column 3 "$hello_runs" | median)
app_worker_first=$(column 6 "$app_runs" | median)
hello_worker_first=$(column 6 "$hello_runs" | median)
app_worker_rss=$(column 4 "$app_runs" | median)
app_host_rss=$(column 5 "$app_runs" | median)
hello_worker_rss=$(column 4 "$hello_runs" | median)
hello_host_rss=$(column 5 "$hello_runs" | median)

# The load part runs its own Azurite and host (scripts/cpu-per-notification.sh); this one is not needed.
stop_group "$azurite_pid"
azurite_pid=""

load_rss_start=""; load_host_rss_start=""; load_rss=""; load_host_rss=""; load_cpu=""; load_host_cpu=""; load_rate=""
floor_cpu="-"; floor_host_cpu="-"; rate="-"
value() { sed -n "s/^$1 app: \([0-9.]*\) .*/\1/p" "$work/load.out"; }
if [ "$with_load" = yes ]; then
  echo "==> the load: (a) with scripts/cpu-per-notification.sh, $warmup notifications of warm-up then $notifications, concurrency 8, $rounds time(s)"
  for round in $(seq 1 "$rounds"); do
    waited ./scripts/cpu-per-notification.sh --app "$app_dir" --label app --warmup "$warmup" --notifications "$notifications" \
      >"$work/load.out" 2>"$work/load.err" \
      || fail "scripts/cpu-per-notification.sh failed (round $round): $(grep -v '^==>' "$work/load.err" | tail -n 20)"
    grep -E '^(rss-after-start|host-rss-after-start|cpu-per-notification|host-cpu|throughput|rss-after-load|host-rss-after-load|context-switches|azurite-cpu) ' "$work/load.out"
    load_rss_start+="$(value rss-after-start)"$'\n'
    load_host_rss_start+="$(value host-rss-after-start)"$'\n'
    load_rss+="$(value rss-after-load)"$'\n'
    load_host_rss+="$(value host-rss-after-load)"$'\n'
    load_cpu+="$(value cpu-per-notification)"$'\n'
    load_host_cpu+="$(value host-cpu)"$'\n'
    load_rate+="$(value throughput)"$'\n'
  done

  # The floor: what one request costs the bare worker and the host at this request rate on this
  # machine: one exchange through the host to the worker, no storage, no work.
  rate=$(sed '/^$/d' <<<"$load_rate" | awk '{ printf "%d\n", $1 + 0.5 }' | median)
  rate=${rate%.*}
  [ "$rate" -gt 0 ] || rate=1
  echo "==> the floor: (b) answering GET /api/hello at the same rate ($rate requests/s, concurrency 8, $notifications requests after $warmup of warm-up)"
  port=$(free_port)
  start_host "$hello_dir" "$port" "${hello_env[@]}"
  wait_ready "$port"
  worker_of worker_pid "$host_pid" || fail "no worker process found among the host's children: $(tail -n 20 "$work/host.log")"
  if [ "$warmup" -gt 0 ]; then
    waited node scripts/get-at-rate.js "http://127.0.0.1:$port/api/hello" "$rate" "$warmup" 8 >"$work/floor.out" 2>&1 \
      || fail "the bare worker's warm-up failed: $(cat "$work/floor.out")"
  fi
  worker_before=$(cpu_ticks "$worker_pid")
  host_before=$(cpu_ticks "$host_pid")
  waited node scripts/get-at-rate.js "http://127.0.0.1:$port/api/hello" "$rate" "$notifications" 8 >"$work/floor.out" 2>&1 \
    || fail "the bare worker's load failed: $(cat "$work/floor.out")"
  worker_after=$(cpu_ticks "$worker_pid")
  host_after=$(cpu_ticks "$host_pid")
  stop_group "$host_pid" "$worker_pid"
  host_pid=""
  worker_pid=""
  floor_cpu=$(awk -v t=$(( worker_after - worker_before )) -v hz="$ticks" -v n="$notifications" 'BEGIN { printf "%.3f", t * 1000 / hz / n }')
  floor_host_cpu=$(awk -v t=$(( host_after - host_before )) -v hz="$ticks" -v n="$notifications" 'BEGIN { printf "%.3f", t * 1000 / hz / n }')
  echo "cpu-per-request hello: worker $floor_cpu ms, host $floor_host_cpu ms ($(sed 's/^get-at-rate: //' "$work/floor.out"))"
fi

# The retired Native AOT custom handler, as measured on 2026-11-24 with the native build
# (`./scripts/startup-time.sh 10 --rounds 3` of that time; the README's Performance section and
# docs/performance.md). Quoted here for comparison; nothing of it is measured by this script.
retired_date=2026-11-24
retired_native_first_token="599 ms (489-654)"
retired_native_ready="547 ms (432-589)"
retired_r2r_first_token="1167 ms (1048-1344)"
retired_bare_native_ready="444 ms (333-471)"
retired_native_rss_start="40.5-40.8 MB"
retired_r2r_rss_start="81.4 MB"
retired_native_rss_load="54-58 MB"
retired_r2r_rss_load="127 MB"
retired_native_cpu="1.17 ms (1.14-1.36)"
retired_r2r_cpu="1.21 ms"
retired_native_rate="245-291/s"
retired_bare_native_cpu="0.32 ms (at 279 requests/s)"

# "median (min-max)" of a list of figures, or just the figure when there is one.
summary() {
  local values
  values=$(sed '/^$/d' <<<"$1")
  [ -n "$values" ] || { echo "-"; return; }
  if [ "$(wc -l <<<"$values")" -eq 1 ]; then echo "$values"; else echo "$(median <<<"$values") ($(range <<<"$values"))"; fi
}
after=$(( warmup + notifications ))
echo
echo "==> this run (medians; the isolated worker under the project's host) beside the retired Native AOT custom handler"
echo "    (the retired figures: measured $retired_date with the native build, an earlier measurement quoted here, not re-measured)"
row() { printf '%-56s %-30s %s\n' "$1" "$2" "$3"; }
row "figure" "isolated worker, this run" "retired native build, $retired_date"
row "start-up: process start -> first 2007300 (app)" "$app_first ms" "$retired_native_first_token (ReadyToRun custom handler $retired_r2r_first_token)"
row "start-up: process start -> GET / answered 200 (app)" "$app_ready ms" "$retired_native_ready"
row "start-up: process start -> first 200 (bare app)" "$hello_first ms" "$retired_bare_native_ready (bare native ASP.NET Core, GET /)"
row "  of which the host alone, before it starts the worker" "(a) $app_head ms, (b) $hello_head ms" "- (no host process: the app was started directly)"
row "start-up: worker start -> first 2007300 (app)" "$app_worker_first ms" "$retired_native_first_token (from its own process start)"
row "start-up: worker start -> first 200 (bare app)" "$hello_worker_first ms" "$retired_bare_native_ready (from its own process start)"
row "RSS after start: worker (app)" "$app_worker_rss MB" "$retired_native_rss_start (ReadyToRun $retired_r2r_rss_start)"
row "RSS after start: host (app)" "$app_host_rss MB" "- (no host process)"
row "RSS after start: worker (bare app)" "$hello_worker_rss MB" "-"
row "RSS after start: host (bare app)" "$hello_host_rss MB" "-"
if [ "$with_load" = yes ]; then
  row "RSS after $after notifications: worker" "$(summary "$load_rss") MB" "$retired_native_rss_load after 12000 (ReadyToRun $retired_r2r_rss_load)"
  row "RSS after $after notifications: host" "$(summary "$load_host_rss") MB" "- (no host process)"
  row "CPU per accepted notification: worker" "$(summary "$load_cpu") ms" "$retired_native_cpu (ReadyToRun $retired_r2r_cpu)"
  row "CPU per accepted notification: host" "$(summary "$load_host_cpu") ms" "- (no host process)"
  row "notifications/s (concurrency 8)" "$(summary "$load_rate")/s" "$retired_native_rate"
  row "CPU per request, bare app at the same rate: worker" "$floor_cpu ms (at $rate/s)" "$retired_bare_native_cpu"
  row "CPU per request, bare app at the same rate: host" "$floor_host_cpu ms" "- (no host process)"
fi
