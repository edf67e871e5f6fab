using System.Text;
using Microsoft.Extensions.Logging;
using QoinHub.OrderConsumer.Envelope;
using QoinHub.OrderConsumer.Orders;
using QoinHub.OrderConsumer.Processing;
using QoinHub.OrderConsumer.Tests.Infrastructure;
using static QoinHub.OrderConsumer.Tests.Infrastructure.ConsumerHarness;

namespace QoinHub.OrderConsumer.Tests;

/// <summary>The consumer against the Service Bus stand-in: settlement, idempotency, order of statuses, dead-lettering, retries.</summary>
public sealed class ConsumerTests
{
    [Fact]
    public async Task A_payment_notification_is_applied_and_completed()
    {
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();

        var messageId = await harness.SendAsync(Envelopes.Create(reference, PaymentStatuses.Success));
        await harness.WaitUntilCompletedAsync(messageId);

        var payment = harness.Orders.Find(Envelopes.Partner, reference);
        Assert.NotNull(payment);
        Assert.Equal(PaymentStatuses.Success, payment.Status);
        Assert.Equal("order-" + reference, payment.OriginalPartnerReferenceNo);
        Assert.Equal(1, harness.Queue.DeliveryCountOf(messageId));
        Assert.Empty(harness.Queue.DeadLettered);
        Assert.Empty(harness.Queue.Active);

        var log = await harness.OutcomeLogAsync(messageId, Outcomes.Applied);
        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Equal(Envelopes.Partner, State(log, "PartnerId"));
        Assert.Equal(reference, State(log, "OriginalReferenceNo"));
        Assert.Equal(PaymentStatuses.Success, State(log, "Status"));
    }

    [Fact]
    public async Task The_same_message_twice_is_applied_once_and_both_are_completed()
    {
        // The stand-in's duplicate detection is off (as on a queue without it, or past its window).
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();
        var envelope = Envelopes.Create(reference, PaymentStatuses.Success);

        var messageId = await harness.SendAsync(envelope);
        await harness.SendAsync(envelope);
        await harness.WaitUntilCompletedAsync(messageId, times: 2);

        Assert.Equal(1, harness.Orders.ProcessedCount);
        var entry = Assert.Single(harness.Orders.Find(Envelopes.Partner, reference)!.History);
        Assert.Equal((messageId, PaymentStatuses.Success, ApplyOutcome.Applied), (entry.MessageId, entry.Status, entry.Outcome));
        await harness.OutcomeLogAsync(messageId, Outcomes.Applied);
        await harness.OutcomeLogAsync(messageId, Outcomes.Duplicate);
        Assert.Empty(harness.Queue.DeadLettered);
    }

    [Theory]
    [InlineData(PaymentStatuses.Pending)]
    [InlineData(PaymentStatuses.Initiated)]
    [InlineData(PaymentStatuses.Paying)]
    public async Task A_late_in_progress_status_after_success_does_not_undo_the_payment(string late)
    {
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();

        var success = await harness.SendAsync(Envelopes.Create(reference, PaymentStatuses.Success));
        await harness.WaitUntilCompletedAsync(success);
        var stale = await harness.SendAsync(Envelopes.Create(reference, late));
        await harness.WaitUntilCompletedAsync(stale);

        var payment = harness.Orders.Find(Envelopes.Partner, reference)!;
        Assert.Equal(PaymentStatuses.Success, payment.Status);
        Assert.Equal([ApplyOutcome.Applied, ApplyOutcome.IgnoredStale], payment.History.Select(h => h.Outcome));
        var log = await harness.OutcomeLogAsync(stale, Outcomes.IgnoredStale);
        Assert.Equal(PaymentStatuses.Success, State(log, "CurrentStatus"));
        Assert.Empty(harness.Queue.DeadLettered);
    }

    [Fact]
    public async Task Pending_then_success_then_refund_are_all_applied()
    {
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();

        foreach (var status in new[] { PaymentStatuses.Pending, PaymentStatuses.Success, PaymentStatuses.Refunded })
        {
            var messageId = await harness.SendAsync(Envelopes.Create(reference, status));
            await harness.WaitUntilCompletedAsync(messageId);
        }

        var payment = harness.Orders.Find(Envelopes.Partner, reference)!;
        Assert.Equal(PaymentStatuses.Refunded, payment.Status);
        Assert.All(payment.History, h => Assert.Equal(ApplyOutcome.Applied, h.Outcome));
    }

    [Fact]
    public async Task A_success_arriving_after_its_refund_leaves_the_refund()
    {
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();

        var refund = await harness.SendAsync(Envelopes.Create(reference, PaymentStatuses.Refunded));
        await harness.WaitUntilCompletedAsync(refund);
        var success = await harness.SendAsync(Envelopes.Create(reference, PaymentStatuses.Success));
        await harness.WaitUntilCompletedAsync(success);

        Assert.Equal(PaymentStatuses.Refunded, harness.Orders.Find(Envelopes.Partner, reference)!.Status);
        await harness.OutcomeLogAsync(success, Outcomes.IgnoredStale);
    }

    [Fact]
    public async Task A_success_after_expiry_is_a_conflict_kept_out_and_logged_as_a_warning()
    {
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();

        var expiry = await harness.SendAsync(Envelopes.Create(reference, PaymentStatuses.Expired));
        await harness.WaitUntilCompletedAsync(expiry);
        var success = await harness.SendAsync(Envelopes.Create(reference, PaymentStatuses.Success));
        await harness.WaitUntilCompletedAsync(success);

        Assert.Equal(PaymentStatuses.Expired, harness.Orders.Find(Envelopes.Partner, reference)!.Status);
        var log = await harness.OutcomeLogAsync(success, Outcomes.IgnoredConflict);
        Assert.Equal(LogLevel.Warning, log.Level);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_dead_lettered_without_its_content()
    {
        await using var harness = await StartAsync();
        const string Body = "{\"schemaVersion\":\"1.1\",\"partnerId\":\"secret-looking-value\"";
        var messageId = MessageIds.For(Envelopes.Partner, Envelopes.NewReference(), PaymentStatuses.Success);

        harness.SendRaw(messageId, Encoding.UTF8.GetBytes(Body));
        await harness.WaitUntilDeadLetteredAsync(messageId);

        var (reason, description) = harness.Queue.DeadLetterReasonOf(messageId);
        Assert.Equal(DeadLetterReasons.InvalidJson, reason);
        Assert.NotNull(description);
        Assert.Contains("not valid JSON", description, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-looking-value", description, StringComparison.Ordinal);
        Assert.Equal(1, harness.Queue.DeliveryCountOf(messageId));
        Assert.Equal(0, harness.Orders.ProcessedCount);
        var log = await harness.OutcomeLogAsync(messageId, Outcomes.DeadLettered);
        Assert.Equal(DeadLetterReasons.InvalidJson, State(log, "DeadLetterReason"));
    }

    [Theory]
    [InlineData("notification.originalReferenceNo", null, DeadLetterReasons.SchemaViolation, "notification.originalReferenceNo is missing")]
    [InlineData("receivedAt", "\"2024-08-23T07:44:20+07:00\"", DeadLetterReasons.SchemaViolation, "receivedAt is not UTC with milliseconds")]
    [InlineData("notification.latestTransactionStatus", "0", DeadLetterReasons.SchemaViolation, "notification.latestTransactionStatus is a JSON number")]
    [InlineData("schemaVersion", "\"2.0\"", DeadLetterReasons.UnsupportedSchemaVersion, "schemaVersion '2.0' is not 1.x")]
    [InlineData("type", "\"qoinhub.payment-notification.debit.v2\"", DeadLetterReasons.UnsupportedType, "type 'qoinhub.payment-notification.debit.v2' is not")]
    public async Task An_envelope_the_schema_refuses_is_dead_lettered_with_what_is_wrong(string path, string? json, string expectedReason, string expectedDescription)
    {
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();
        var envelope = Envelopes.Create(reference, PaymentStatuses.Success).With(path, json);
        Assert.NotEmpty(await EnvelopeSchema.ValidateAsync(envelope));
        var messageId = Envelopes.MessageIdOf(envelope);

        harness.SendRaw(messageId, Envelopes.Bytes(envelope));
        await harness.WaitUntilDeadLetteredAsync(messageId);

        var (reason, description) = harness.Queue.DeadLetterReasonOf(messageId);
        Assert.Equal(expectedReason, reason);
        Assert.Contains(expectedDescription, description, StringComparison.Ordinal);
        Assert.DoesNotContain("order-" + reference, description, StringComparison.Ordinal);
        Assert.Null(harness.Orders.Find(Envelopes.Partner, reference));
    }

    [Fact]
    public async Task A_body_whose_message_id_is_not_the_broker_message_id_is_dead_lettered()
    {
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();
        var envelope = Envelopes.Create(reference, PaymentStatuses.Success);
        await EnvelopeSchema.AssertValidAsync(envelope);
        var brokerId = MessageIds.For(Envelopes.Partner, reference, PaymentStatuses.Pending);

        harness.SendRaw(brokerId, Envelopes.Bytes(envelope));
        await harness.WaitUntilDeadLetteredAsync(brokerId);

        var (reason, description) = harness.Queue.DeadLetterReasonOf(brokerId);
        Assert.Equal(DeadLetterReasons.MessageIdMismatch, reason);
        Assert.Contains("is not the broker MessageId", description, StringComparison.Ordinal);
        Assert.Null(harness.Orders.Find(Envelopes.Partner, reference));
    }

    [Fact]
    public async Task A_message_id_that_is_not_the_hash_of_its_fields_is_dead_lettered()
    {
        // A body that says 00 under the id of its 03: applying it would deduplicate the wrong fact.
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();
        var pendingId = MessageIds.For(Envelopes.Partner, reference, PaymentStatuses.Pending);
        var envelope = Envelopes.Create(reference, PaymentStatuses.Success).With("messageId", $"\"{pendingId}\"");

        await harness.SendAsync(envelope);
        await harness.WaitUntilDeadLetteredAsync(pendingId);

        var (reason, description) = harness.Queue.DeadLetterReasonOf(pendingId);
        Assert.Equal(DeadLetterReasons.MessageIdMismatch, reason);
        Assert.Contains("is not the SHA-256", description, StringComparison.Ordinal);
        Assert.Null(harness.Orders.Find(Envelopes.Partner, reference));
    }

    [Fact]
    public async Task A_later_minor_version_with_fields_this_consumer_does_not_know_is_applied()
    {
        await using var harness = await StartAsync();
        var reference = Envelopes.NewReference();
        var envelope = Envelopes.Create(reference, PaymentStatuses.Success, traceParent: null, schemaVersion: "1.7")
            .With("someFutureField", "{\"nested\":[1,2,3]}")
            .With("notification.someQoinHubField", "\"x\"")
            .With("notification.additionalInfo", null);

        var messageId = await harness.SendAsync(envelope);
        await harness.WaitUntilCompletedAsync(messageId);

        Assert.Equal(PaymentStatuses.Success, harness.Orders.Find(Envelopes.Partner, reference)!.Status);
    }

    [Fact]
    public async Task A_transient_store_failure_abandons_and_the_redelivery_applies()
    {
        FailingStore? store = null;
        await using var harness = await StartAsync(FailingStore.Times(1, s => store = s));
        var reference = Envelopes.NewReference();

        var messageId = await harness.SendAsync(Envelopes.Create(reference, PaymentStatuses.Success));
        await harness.WaitUntilCompletedAsync(messageId);

        Assert.Equal(2, harness.Queue.DeliveryCountOf(messageId));
        Assert.Equal(2, store!.Calls);
        Assert.Equal(PaymentStatuses.Success, harness.Orders.Find(Envelopes.Partner, reference)!.Status);
        var abandoned = await harness.OutcomeLogAsync(messageId, Outcomes.Abandoned);
        Assert.IsType<TimeoutException>(abandoned.Exception);
        Assert.Equal("1", State(abandoned, "DeliveryCount"));
        await harness.OutcomeLogAsync(messageId, Outcomes.Applied);
        Assert.Empty(harness.Queue.DeadLettered);
    }

    [Fact]
    public async Task A_store_that_keeps_failing_ends_in_the_dead_letter_queue_after_max_delivery_count()
    {
        const int MaxDeliveryCount = 3;
        FailingStore? store = null;
        await using var harness = await StartAsync(FailingStore.Always(s => store = s), MaxDeliveryCount);
        var reference = Envelopes.NewReference();

        var messageId = await harness.SendAsync(Envelopes.Create(reference, PaymentStatuses.Success));
        await harness.WaitUntilDeadLetteredAsync(messageId);

        Assert.Equal(("MaxDeliveryCountExceeded", $"Message could not be consumed after {MaxDeliveryCount} delivery attempts."), harness.Queue.DeadLetterReasonOf(messageId));
        Assert.Equal(MaxDeliveryCount, harness.Queue.DeliveryCountOf(messageId));
        Assert.Equal(MaxDeliveryCount, store!.Calls);
        Assert.Empty(harness.Queue.Completed);
        Assert.Null(harness.Orders.Find(Envelopes.Partner, reference));
    }

    [Fact]
    public async Task A_message_the_store_refuses_for_good_is_dead_lettered_with_its_reason()
    {
        await using var harness = await StartAsync(_ => new RefusingStore());

        var messageId = await harness.SendAsync(Envelopes.Create(Envelopes.NewReference(), PaymentStatuses.Success));
        await harness.WaitUntilDeadLetteredAsync(messageId);

        Assert.Equal(("UnknownOrder", "No order has this originalPartnerReferenceNo."), harness.Queue.DeadLetterReasonOf(messageId));
        Assert.Equal(1, harness.Queue.DeliveryCountOf(messageId));
    }

    [Fact]
    public async Task After_the_broker_drops_its_connections_the_consumer_reconnects_and_goes_on()
    {
        await using var harness = await StartAsync();
        // A message handed to the old link just as it went is locked to nobody until its lock runs out: keep that short.
        harness.Broker.LockDuration = TimeSpan.FromSeconds(5);
        var first = await harness.SendAsync(Envelopes.Create(Envelopes.NewReference(), PaymentStatuses.Success));
        await harness.WaitUntilCompletedAsync(first);
        var opened = harness.Broker.ConnectionsOpened;

        harness.Broker.DropConnections();
        var second = await harness.SendAsync(Envelopes.Create(Envelopes.NewReference(), PaymentStatuses.Success));
        await harness.WaitUntilCompletedAsync(second);

        Assert.True(harness.Broker.ConnectionsOpened > opened);
        Assert.Equal(2, harness.Orders.ProcessedCount);
    }

    [Fact]
    public async Task Statuses_of_many_transactions_processed_concurrently_end_in_their_final_status()
    {
        // Each transaction gets 03 and 00 at once, in either order: with 4 concurrent calls they race, and 00 must win.
        await using var harness = await StartAsync();
        var references = Enumerable.Range(0, 20).Select(_ => Envelopes.NewReference()).ToList();
        var ids = new List<string>();
        for (var i = 0; i < references.Count; i++)
        {
            var statuses = i % 2 == 0 ? new[] { PaymentStatuses.Pending, PaymentStatuses.Success } : [PaymentStatuses.Success, PaymentStatuses.Pending];
            foreach (var status in statuses)
            {
                ids.Add(await harness.SendAsync(Envelopes.Create(references[i], status)));
            }
        }

        await harness.WaitUntilAsync(() => harness.Queue.Completed.Count == ids.Count, $"{ids.Count} messages completed");

        Assert.All(references, reference => Assert.Equal(PaymentStatuses.Success, harness.Orders.Find(Envelopes.Partner, reference)!.Status));
        Assert.Equal(ids.Count, harness.Orders.ProcessedCount);
    }
}
