#!/usr/bin/env bash
# Measures the Service Bus publisher's latency (p50/p99 per send) and throughput (sends per second)
# on loopback: benchmarks/PublishLatency sends notification envelopes through the app's
# ServiceBusPublisher (Azure.Messaging.ServiceBus, AMQP) to the AMQP Service Bus stand-in of the test
# library (tests/QoinHub.Merchant.Testing/ServiceBus), first one at a time, then from concurrent
# callers, after 200 warm-up sends. Prints a Markdown table row per client.
#
#   ./scripts/publish-latency.sh [sequential sends] [concurrent sends] [concurrency]   (default 2000 5000 16)
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build benchmarks/PublishLatency -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
exec dotnet benchmarks/PublishLatency/bin/Release/net10.0/PublishLatency.dll "$@"
