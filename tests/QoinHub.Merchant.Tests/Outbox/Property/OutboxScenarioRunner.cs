using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using QoinHub.Merchant.AzureAdapters;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Outbox.PropertyBased;

/// <summary>
/// Runs one <see cref="OutboxScenario"/> against the real <see cref="NotificationDelivery"/>,
/// <see cref="OutboxRelay"/> and <see cref="TableNotificationLedger"/> on a fresh Azurite table,
/// publishing with the real <see cref="ServiceBusPublisher"/> to the AMQP stand-in (duplicate detection on); then drains
/// (clock past every lease and the relay age, relay until nothing is pending) and checks the invariants.
/// </summary>
internal sealed class OutboxScenarioRunner
{
    public static readonly OutboxTiming Timing = new(ClaimLease: TimeSpan.FromSeconds(30), RelayAfter: TimeSpan.FromSeconds(60));

    /// <summary>The publisher's per-attempt time-out: what a scripted hang costs.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(400);

    public const int PublishAttempts = 2;

    /// <summary>How long QoinHub waits for an answer: bounds a delivery that polls a record another claimant holds.</summary>
    private static readonly TimeSpan CallerTimeout = TimeSpan.FromMilliseconds(500);

    private const int MaxDrainRuns = 12;
    public const string Queue = "payment-notifications";

    private readonly OutboxScenario _scenario;
    private readonly OutboxTally _tally;
    private readonly ServiceBusStandIn _broker;
    private readonly INotificationPublisher _publisher;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 7, 6, 3, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<DeliveryRecord> _deliveries = new();
    private readonly ConcurrentQueue<string> _log = new();
    private int _scripted;
    private int _failuresBefore;

    /// <param name="broker">Shared by the scenarios of a run (each scenario's message ids are its own).</param>
    /// <param name="publisher">The real publisher, sending to <paramref name="broker"/>.</param>
    public OutboxScenarioRunner(OutboxScenario scenario, OutboxTally tally, ServiceBusStandIn broker, INotificationPublisher publisher)
    {
        _scenario = scenario;
        _tally = tally;
        _broker = broker;
        _publisher = publisher;
    }

    /// <summary>The real Service Bus publisher (SAS) sending to <paramref name="broker"/>: two tries of <see cref="AttemptTimeout"/> each.</summary>
    public static ServiceBusPublisher CreatePublisher(ServiceBusStandIn broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var options = new ServiceBusPublisherOptions
        {
            ConnectionString = broker.ConnectionString,
            QueueName = Queue,
            MaxRetries = PublishAttempts - 1,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(5),
            TryTimeout = AttemptTimeout,
        };
        return new ServiceBusPublisher(options, null, NullLogger<ServiceBusPublisher>.Instance);
    }

    /// <summary>Runs the scenario; returns the broken invariants (empty when all held) and a log of what happened.</summary>
    public async Task<ScenarioResult> RunAsync()
    {
        var tableName = "outboxprop" + Guid.NewGuid().ToString("N")[..16];
        var tableClient = new TableClient(AzuriteServer.Instance.ConnectionString, tableName, new TableClientOptions().WithCallbackRetries());
        using var lazyTable = new LazyTable(tableClient);
        var ledger = new ObservedLedger(new TableNotificationLedger(lazyTable, TestOutboxMacKeys.Instance));
        var publisher = new FaultyPublisher(_publisher, AttemptTimeout, PublishAttempts);
        var options = new FixedOptions(new OutboxOptions { ClaimLease = Timing.ClaimLease, RelayAfter = Timing.RelayAfter });
        var delivery = new NotificationDelivery(ledger, publisher, options, _clock, NullLogger<NotificationDelivery>.Instance);
        var relay = new OutboxRelay(ledger, delivery, options, _clock, NullLogger<OutboxRelay>.Instance);
        var firstSend = _broker.Sends.Count;
        _failuresBefore = Failures();
        try
        {
            for (var i = 0; i < _scenario.Steps.Count; i++)
            {
                var step = _scenario.Steps[i];
                await Task.WhenAll(step.Operations.Select(operation => RunAsync(operation, i, delivery, relay)));
                _clock.Advance(step.AdvanceAfter);
            }

            await DrainAsync(relay, tableClient);
            var sends = _broker.Sends.Skip(firstSend).Where(send => send.Message.MessageId != WarmUpMessage.MessageId).ToList();
            return new ScenarioResult(await CheckAsync(tableClient, new TableNotificationLedger(lazyTable, TestOutboxMacKeys.Instance), ledger, publisher, sends), [.. _log]);
        }
        finally
        {
            await UseUpScriptAsync();
            await tableClient.DeleteAsync();
        }
    }

    /// <summary>A message of no scenario, to warm the connection up and to use up replies scripted for a scenario.</summary>
    public static NotificationMessage WarmUpMessage { get; } = NotificationEnvelope.Create(new NotificationEnvelopeInput(
        "warm-up", "0", "0", "2025-07-06T10:00:00+07:00", DateTimeOffset.UnixEpoch, "warm-up", "warm-up", "00", "{}"u8.ToArray()));

    /// <summary>Broker failures scripted but not met by the scenario's sends would hit the next scenario: meet them here.</summary>
    private async Task UseUpScriptAsync()
    {
        for (var tries = 0; tries < 20 && Failures() - _failuresBefore < _scripted; tries++)
        {
            try
            {
                await _publisher.PublishAsync(WarmUpMessage, CancellationToken.None);
            }
            catch (NotificationPublishException)
            {
                // A scripted failure, used up.
            }
        }
    }

    /// <summary>Every send the broker did not take is a scripted one.</summary>
    private int Failures() => _broker.Sends.Count(send => send.Outcome is SendOutcome.Rejected or SendOutcome.NeverSettled);

    private async Task RunAsync(ScenarioOperation operation, int step, NotificationDelivery delivery, OutboxRelay relay)
    {
        await Task.Delay(operation.DelayMs);
        switch (operation)
        {
            case RelayRunOperation:
                var run = await relay.RunOnceAsync(CancellationToken.None);
                OutboxTally.Add(ref _tally.RelayRuns);
                _log.Enqueue($"step {step}: relay: {run.Pending} pending, {run.Published} published, {run.Failed} failed, {run.Skipped} skipped");
                break;
            case BrokerTroubleOperation trouble:
                _broker.Script([.. Enumerable.Range(0, trouble.Count).Select(_ => trouble.Hang ? StandInFault.NeverSettle : StandInFault.InternalError)]);
                Interlocked.Add(ref _scripted, trouble.Count);
                OutboxTally.Add(ref _tally.BrokerFailuresScripted, trouble.Count);
                _log.Enqueue($"step {step}: {trouble}");
                break;
            case DeliveryOperation deliver:
                await DeliverAsync(deliver, step, delivery);
                break;
            default:
                throw new InvalidOperationException("Unknown operation " + operation);
        }
    }

    private async Task DeliverAsync(DeliveryOperation operation, int step, NotificationDelivery delivery)
    {
        var notification = PaymentFacts.Create(_scenario.Seed, operation.Fact, operation.Use);
        var context = new DeliveryContext(operation.Fault);
        using var caller = new CancellationTokenSource(operation.Fault == DeliveryFault.HangUp ? TimeSpan.FromMilliseconds(operation.HangUpAfterMs) : CallerTimeout);
        var running = DeliverUnderAsync(context, delivery, notification, caller.Token);

        // A crash after publishing never returns: wait for the delivery or for its fault, whichever comes first.
        string outcome;
        Delivery? result = null;
        if (await Task.WhenAny(running, context.Struck.Task) != running && operation.Fault == DeliveryFault.CrashAfterPublish)
        {
            outcome = "crashed after publish";
        }
        else
        {
            try
            {
                result = await running;
                outcome = result.Outcome.ToString();
            }
            catch (SimulatedCrashException)
            {
                outcome = "crashed after claim";
            }
            catch (OperationCanceledException) when (caller.IsCancellationRequested)
            {
                outcome = "caller hung up";
            }
        }

        _tally.Count(outcome);
        _deliveries.Enqueue(new DeliveryRecord(operation, notification.ToMessage(_clock.GetUtcNow()).MessageId, notification.Notification.PayloadHash, outcome, result));
        _log.Enqueue($"step {step}: {operation} -> {outcome}");
    }

    private static async Task<Delivery> DeliverUnderAsync(DeliveryContext context, NotificationDelivery delivery, VerifiedNotification notification, CancellationToken cancellationToken)
    {
        // Set inside this method, so the context flows to this delivery's calls and no further.
        DeliveryContext.Current = context;
        await Task.Yield();
        return await delivery.DeliverAsync(notification, cancellationToken);
    }

    /// <summary>Clock past every lease and the relay age, then the relay until no pending marker is left (at most <see cref="MaxDrainRuns"/> runs).</summary>
    private async Task DrainAsync(OutboxRelay relay, TableClient table)
    {
        _clock.Advance(Timing.RelayAfter + Timing.ClaimLease + TimeSpan.FromSeconds(1));
        for (var run = 1; run <= MaxDrainRuns && await CountPendingMarkersAsync(table) > 0; run++)
        {
            var result = await relay.RunOnceAsync(CancellationToken.None);
            OutboxTally.Add(ref _tally.DrainRuns);
            _log.Enqueue($"drain {run}: {result.Pending} pending, {result.Published} published, {result.Failed} failed, {result.Skipped} skipped");
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<int> CountPendingMarkersAsync(TableClient table)
    {
        var count = 0;
        var filter = TableClient.CreateQueryFilter($"RowKey ge {LedgerKeys.PendingRowPrefix} and RowKey lt {"p`"}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }

    private async Task<List<string>> CheckAsync(TableClient table, TableNotificationLedger reader, ObservedLedger ledger, FaultyPublisher publisher, List<StandInSend> sends)
    {
        var broken = new List<string>();
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        var records = rows.Where(row => row.RowKey.StartsWith(LedgerKeys.RecordRowPrefix, StringComparison.Ordinal))
            .ToDictionary(row => row.GetString("MessageId")!, StringComparer.Ordinal);
        var markers = rows.Where(row => row.RowKey.StartsWith(LedgerKeys.PendingRowPrefix, StringComparison.Ordinal)).Select(row => row.RowKey).ToList();

        // The broker's view: every send it took, in order; duplicate detection enqueued the first of each id and dropped the rest.
        var accepted = sends.Where(send => send.Outcome is SendOutcome.Accepted or SendOutcome.AcceptedAnswerLost or SendOutcome.DuplicateDropped)
            .Select(send => (Id: send.Message.MessageId ?? string.Empty, send.Message.Body)).ToList();
        var queue = sends.Where(send => send.Enqueued).Select(send => send.Message.MessageId ?? string.Empty).ToList();
        var seen = new HashSet<string>(accepted.Select(send => send.Id), StringComparer.Ordinal);
        var dropped = sends.Count(send => send.Outcome == SendOutcome.DuplicateDropped);

        OutboxTally.Add(ref _tally.RawSends, sends.Count);
        OutboxTally.Add(ref _tally.AcceptedSends, accepted.Count);
        OutboxTally.Add(ref _tally.Enqueued, queue.Count);
        OutboxTally.Add(ref _tally.DuplicatesDropped, dropped);
        OutboxTally.Add(ref _tally.Records, records.Count);

        if (markers.Count > 0)
        {
            broken.Add($"{markers.Count} pending markers left after the drain: {string.Join(", ", markers)}");
        }

        foreach (var (id, record) in records)
        {
            if (record.GetString("State") != "Published")
            {
                broken.Add($"record {id} ends in state {record.GetString("State")}, not Published");
            }

            if (!seen.Contains(id))
            {
                broken.Add($"record {id} (a verified notification) was never accepted by the broker");
            }
        }

        foreach (var id in ledger.Claims.Keys.Where(id => !seen.Contains(id)))
        {
            broken.Add($"{id} was claimed but never published");
        }

        foreach (var id in seen.Where(id => !records.ContainsKey(id)))
        {
            broken.Add($"the broker accepted {id}, which has no ledger record");
        }

        if (queue.Count != queue.Distinct(StringComparer.Ordinal).Count())
        {
            broken.Add("the deduplicating broker enqueued a message id twice");
        }

        // Every accepted send is the stored message, byte for byte, and each id is accepted once
        // plus at most once per send whose outcome the ledger could not learn (answer lost, crash).
        foreach (var group in accepted.GroupBy(send => send.Id, StringComparer.Ordinal))
        {
            if (records.TryGetValue(group.Key, out var record))
            {
                var stored = TableNotificationLedger.ToMessage(record).Envelope.ToArray();
                if (group.Any(send => !send.Body.AsSpan().SequenceEqual(stored)))
                {
                    broken.Add($"the broker accepted a body for {group.Key} that is not the stored message");
                }
            }

            var allowed = 1 + publisher.AmbiguousSends.GetValueOrDefault(group.Key);
            if (group.Count() > allowed)
            {
                broken.Add($"{group.Key} was accepted {group.Count()} times; at most {allowed} can be explained by lost answers, crashes and timed-out attempts");
            }
        }

        foreach (var delivery in _deliveries)
        {
            CheckDelivery(delivery, records, seen, broken);
        }

        foreach (var delivery in _deliveries.Where(d => d.Result?.Outcome == DeliveryOutcome.ExternalIdReused))
        {
            var use = delivery.Operation.Use;
            var row = await reader.FindExternalIdAsync(DateOnly.FromDateTime(PaymentFacts.BaseTimestamp.AddDays(use.DayOffset).DateTime), PaymentFacts.PartnerId, use.ExternalId, CancellationToken.None);
            if (row is null || row.PayloadHash == delivery.PayloadHash)
            {
                broken.Add($"{delivery.Operation} was refused as a reused external id, but that id was recorded for {(row is null ? "nothing" : "the same payload")}");
            }
        }

        return broken;
    }

    private static void CheckDelivery(DeliveryRecord delivery, Dictionary<string, TableEntity> records, HashSet<string> accepted, List<string> broken)
    {
        if (delivery.Result is not { } result)
        {
            return;
        }

        records.TryGetValue(delivery.MessageId, out var record);
        var storedPayload = record?.GetString("PayloadHash");
        switch (result.Outcome)
        {
            case DeliveryOutcome.Published or DeliveryOutcome.AlreadyPublished:
                if (!accepted.Contains(delivery.MessageId))
                {
                    broken.Add($"{delivery.Operation} answered {result.Outcome}, but the broker never accepted {delivery.MessageId}");
                }

                if (storedPayload != delivery.PayloadHash)
                {
                    broken.Add($"{delivery.Operation} answered {result.Outcome}, but the stored record holds another payload");
                }

                break;
            case DeliveryOutcome.FactPayloadMismatch when storedPayload == delivery.PayloadHash:
                broken.Add($"{delivery.Operation} was refused as another payload for the fact, but the record holds the same payload");
                break;
            case DeliveryOutcome.PublishFailed or DeliveryOutcome.StillInProgress when record is null:
                broken.Add($"{delivery.Operation} answered {result.Outcome}, but no record was stored for the relay");
                break;
        }
    }

    private sealed record DeliveryRecord(DeliveryOperation Operation, string MessageId, string PayloadHash, string Outcome, Delivery? Result);

    private sealed class FixedOptions(OutboxOptions value) : IOptionsMonitor<OutboxOptions>
    {
        public OutboxOptions CurrentValue => value;

        public OutboxOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OutboxOptions, string?> listener) => null;
    }
}

internal sealed record ScenarioResult(IReadOnlyList<string> Broken, IReadOnlyList<string> Log);

/// <summary>Figures over all scenarios of a run, printed at the end.</summary>
internal sealed class OutboxTally
{
    public int Scenarios;
    public int Operations;
    public int RelayRuns;
    public int DrainRuns;
    public int BrokerFailuresScripted;
    public int RawSends;
    public int AcceptedSends;
    public int Enqueued;
    public int DuplicatesDropped;
    public int Records;

    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);

    public static void Add(ref int counter, int by = 1) => Interlocked.Add(ref counter, by);

    public void Count(string outcome) => _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    public string Outcomes => string.Join(", ", _outcomes.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key} {pair.Value}")));
}
