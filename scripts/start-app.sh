#!/usr/bin/env bash
# Starts the app for checks from outside (conformance runs, fuzzers, load tools): the published
# worker (scripts/publish.sh: linux-x64, ReadyToRun, as deployed) under the project's Functions host
# on http://127.0.0.1:PORT, configured only by environment variables, i.e. the documented settings
# (README, "Configuration reference"): Partners__*, Storage__ConnectionString, LocalQueue__Name,
# Outbox__*, ServiceBus__*, OTEL_*, ...
#
#   ./scripts/start-app.sh --port 7071
#
# - Builds first when the sources are newer than the last build, quietly (its log only on failure).
# - Starts no Azurite and writes no partner keys: storage and partners are the caller's to give.
#   The outbox MAC key is the caller's too (Outbox__MacKeyId, Outbox__MacKeys__<id>); when none is
#   set, the development key of scripts/run-local.sh (.dev/outbox-mac-key.txt, written if missing).
# - The timer schedules default to the shipped ones (OutboxRelaySchedule every minute,
#   RetentionSchedule daily at 19:30 UTC) when not set.
# - Ready when GET / answers 200 (the worker has loaded its functions).
# - The host replaces this script (exec), and the worker is its child: killing the process group
#   (kill -- -<pid>) ends both; a SIGTERM to the host stops the worker first.
# - A setting the app refuses: the app's one line "Start-up refused: ..." on stderr, and a non-zero
#   exit code (the worker's).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: ./scripts/start-app.sh --port PORT   (settings in environment variables; see the README)"; }
port=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || { usage >&2; exit 2; }; port="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "start-app.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "start-app.sh: --port must be a TCP port (1 to 65535)." >&2
  usage >&2
  exit 2
fi

app_dir=artifacts/publish
host_dll=tools/QoinHub.FunctionsHost/bin/Release/net10.0/QoinHub.FunctionsHost.dll

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! ./scripts/publish.sh "$app_dir" >"$log" 2>&1; then
  cat "$log" >&2
  echo "start-app.sh: publishing the app failed (above)." >&2
  exit 1
fi
if [ ! -f "$host_dll" ] || [ -n "$(find tools/QoinHub.FunctionsHost tools/QoinHub.FunctionsHost.RpcDescriptor Directory.Build.props Directory.Packages.props -type f -newer "$host_dll" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]; then
  if ! dotnet build tools/QoinHub.FunctionsHost/QoinHub.FunctionsHost.csproj -c Release -v quiet -nologo >"$log" 2>&1; then
    cat "$log" >&2
    echo "start-app.sh: building the Functions host failed (above)." >&2
    exit 1
  fi
fi
rm -f "$log"
trap - EXIT

export OutboxRelaySchedule="${OutboxRelaySchedule:-0 */1 * * * *}"
export RetentionSchedule="${RetentionSchedule:-0 30 19 * * *}"
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
exec dotnet "$host_dll" --port "$port" --app "$PWD/$app_dir"
