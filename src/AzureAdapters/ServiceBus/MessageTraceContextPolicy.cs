using Azure.Core;
using Azure.Core.Pipeline;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// Puts the message's own trace context into the send's <c>traceparent</c> header, which the REST
/// API turns into the message's <c>traceparent</c> application property. Runs last before the
/// transport: Azure.Core's activity policy, which runs before it, writes the HTTP call's own context
/// into that header, which would give the message the context of one send attempt instead of the
/// receipt's. Sends without a message trace context keep whatever Azure.Core wrote.
/// </summary>
internal sealed class MessageTraceContextPolicy : HttpPipelineSynchronousPolicy
{
    public static readonly MessageTraceContextPolicy Shared = new();

    /// <summary>The <see cref="HttpMessage"/> property holding the header value to send.</summary>
    public const string PropertyName = "QoinHub.Merchant.MessageTraceParent";

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.TryGetProperty(PropertyName, out var value) && value is string header)
        {
            message.Request.Headers.SetValue(ServiceBusRestPublisher.TraceParentProperty, header);
        }
    }
}
