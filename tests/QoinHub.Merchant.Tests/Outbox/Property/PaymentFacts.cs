using System.Globalization;
using System.Text;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tests.Outbox.PropertyBased;

/// <summary>
/// Verified notifications as the notify handler hands them to <see cref="NotificationDelivery"/>:
/// headers and body read by the app's own readers (the signature is not checked at this layer).
/// </summary>
internal static class PaymentFacts
{
    public const string PartnerId = "prop-partner";

    /// <summary>The day every scenario's X-TIMESTAMP is on (10:00 in Jakarta), plus a use's day offset.</summary>
    public static readonly DateTimeOffset BaseTimestamp = new(2025, 7, 6, 10, 0, 0, TimeSpan.FromHours(7));

    public const string Description = "Success";

    public const string OtherDescription = "Success (sent again with another description)";

    public static string ReferenceOf(int scenarioSeed, int fact) => FormattableString.Invariant($"P{scenarioSeed}-{fact}");

    public static VerifiedNotification Create(int scenarioSeed, int fact, SenderIds use)
    {
        ArgumentNullException.ThrowIfNull(use);
        var timestamp = BaseTimestamp.AddDays(use.DayOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var reference = ReferenceOf(scenarioSeed, fact);
        var body = Encoding.UTF8.GetBytes(
            $$"""{"additionalInfo":{},"createdTime":"2025-07-06T09:59:00+07:00","latestTransactionStatus":"00","originalPartnerReferenceNo":"ORD-{{reference}}","originalReferenceNo":"{{reference}}","transactionStatusDesc":"{{(use.OtherBody ? OtherDescription : Description)}}"}""");
        var request = new SnapRequest(
            "POST",
            "/api/v1.0/debit/notify",
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                [SnapHeaders.ContentType] = "application/json",
                [SnapHeaders.PartnerId] = PartnerId,
                [SnapHeaders.ExternalId] = use.ExternalId,
                [SnapHeaders.Authorization] = "Bearer property-test-token",
                [SnapHeaders.Timestamp] = timestamp,
                [SnapHeaders.Signature] = Convert.ToBase64String(new byte[64]),
                [SnapHeaders.ChannelId] = use.ChannelId,
            },
            body);
        if (NotifyHeaders.TryRead(request, out var headers) is { } badHeader)
        {
            throw new InvalidOperationException("Generated headers were refused: " + badHeader.ResponseMessage);
        }

        if (SnapRequestChecks.JsonObjectBody(request, SnapResponses.DebitNotify, out var parsed) is { } badBody)
        {
            throw new InvalidOperationException("Generated body was refused: " + badBody.ResponseMessage);
        }

        using (parsed)
        {
            if (PaymentNotification.TryParse(parsed!, SnapResponses.DebitNotify, out var notification) is { } badField)
            {
                throw new InvalidOperationException("Generated body was refused: " + badField.ResponseMessage);
            }

            return new VerifiedNotification(headers, notification!, body);
        }
    }
}
