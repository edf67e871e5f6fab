using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using QoinHub.OrderConsumer.Envelope;

namespace QoinHub.OrderConsumer.Processing;

/// <summary>
/// The consumer's processing span. Its parent is the trace context the message carries: the
/// envelope's <c>traceparent</c> (schema 1.1), or else the <c>Diagnostic-Id</c> (then
/// <c>traceparent</c>) application property. So the order change joins the trace of QoinHub's call
/// to the merchant callbacks app. Export it with OpenTelemetry: <c>.AddSource(ConsumerTelemetry.SourceName)</c>.
/// </summary>
public static class ConsumerTelemetry
{
    public const string SourceName = "QoinHub.OrderConsumer";

    public const string ActivityName = "process payment-notification";

    public static readonly ActivitySource Source = new(SourceName, "1.0.0");

    /// <summary>Null when nobody listens to <see cref="SourceName"/>.</summary>
    public static Activity? StartProcessing(ServiceBusReceivedMessage message, PaymentNotificationEnvelope? envelope, string queueName)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Source.HasListeners())
        {
            return null;
        }

        var remote = ParentOf(message, envelope);
        ActivityContext parent = default;
        ActivityLink[]? links = null;
        var current = Activity.Current;
        if (remote is { } context)
        {
            // Under the SDK's own processing span when it already joined that trace (it reads
            // Diagnostic-Id when Azure SDK tracing is on), else straight under the publisher's span.
            parent = current is not null && current.TraceId == context.TraceId ? current.Context : context;
            if (current is not null && current.TraceId != context.TraceId)
            {
                links = [new ActivityLink(current.Context)];
            }
        }
        else if (current is not null)
        {
            parent = current.Context;
        }

        var activity = Source.StartActivity(ActivityName, ActivityKind.Consumer, parent, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "servicebus");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", queueName);
            activity.SetTag("messaging.message.id", message.MessageId);
            activity.SetTag("messaging.servicebus.message.delivery_count", message.DeliveryCount);
            if (envelope is not null)
            {
                activity.SetTag("qoinhub.partner_id", envelope.PartnerId);
                activity.SetTag("qoinhub.original_reference_no", envelope.Notification.OriginalReferenceNo);
                activity.SetTag("qoinhub.transaction_status", envelope.Notification.LatestTransactionStatus);
            }
        }

        return activity;
    }

    /// <summary>The trace context the message carries, if any valid one.</summary>
    public static ActivityContext? ParentOf(ServiceBusReceivedMessage message, PaymentNotificationEnvelope? envelope)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var candidate in new[] { envelope?.TraceParent, PropertyOf(message, "Diagnostic-Id"), PropertyOf(message, "traceparent") })
        {
            if (candidate is not null && ActivityContext.TryParse(candidate, null, isRemote: true, out var context))
            {
                return context;
            }
        }

        return null;
    }

    private static string? PropertyOf(ServiceBusReceivedMessage message, string name) =>
        message.ApplicationProperties.TryGetValue(name, out var value) ? value as string : null;
}
