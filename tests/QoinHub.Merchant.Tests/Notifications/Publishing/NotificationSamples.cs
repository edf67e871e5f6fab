using System.Text;
using QoinHub.Merchant.Notifications;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>Notification bodies as different senders write them, and envelope inputs around them.</summary>
internal static class NotificationSamples
{
    /// <summary>QoinHub's documented example, as their page prints it (pretty, one field per line).</summary>
    public const string PrettyBody = """
        {
        "additionalInfo": {},
        "createdTime": "2024-08-23T07:44:11+07:00",
        "latestTransactionStatus": "00",
        "originalPartnerReferenceNo": "abcdefgh0017",
        "originalReferenceNo": "T24080000027",
        "transactionStatusDesc": "Success"
        }
        """;

    public const string CompactBody =
        """{"additionalInfo":{},"createdTime":"2024-08-23T07:44:11+07:00","latestTransactionStatus":"00","originalPartnerReferenceNo":"abcdefgh0017","originalReferenceNo":"T24080000027","transactionStatusDesc":"Success"}""";

    /// <summary>PHP json_encode's defaults: escaped slashes and \u escapes for non-ASCII.</summary>
    public const string PhpEscapedBody =
        """{"createdTime":"2024-08-23T07:44:11+07:00","latestTransactionStatus":"03","originalPartnerReferenceNo":"INV\/2024\/08\/0017","originalReferenceNo":"T24080000028","transactionStatusDesc":"Menunggu pembayaran \u00e9","additionalInfo":{"note":"caf\u00e9 \ud83d\ude00"}}""";

    /// <summary>Raw UTF-8 text, CRLF line breaks, tabs and nested objects and arrays.</summary>
    public const string UnicodeBody =
        "{\r\n\t\"createdTime\": \"2024-08-23T07:44:11+07:00\",\r\n\t\"latestTransactionStatus\": \"00\",\r\n\t\"originalPartnerReferenceNo\": \"pesanan-ü-日本-😀\",\r\n\t\"originalReferenceNo\": \"T24080000029\",\r\n\t\"transactionStatusDesc\": \"Berhasil ✓\",\r\n\t\"additionalInfo\": {\"items\": [1, 2.50, -0.0e0, null, true], \"nama\": \"Ayu \\\"Dewi\\\"\"}\r\n}";

    public static TheoryData<string, string> Bodies => new()
    {
        { "pretty", PrettyBody },
        { "compact", CompactBody },
        { "php-escaped", PhpEscapedBody },
        { "unicode", UnicodeBody },
    };

    public static readonly DateTimeOffset ReceivedAt = new(2024, 8, 23, 7, 44, 20, 512, TimeSpan.FromHours(7));

    public static NotificationEnvelopeInput Input(string body = PrettyBody) => new(
        PartnerId: "QoinSnap",
        ExternalId: "41807553358950093184162180797837",
        ChannelId: "95221",
        Timestamp: "2024-08-23T07:44:20+07:00",
        ReceivedAt: ReceivedAt,
        OriginalPartnerReferenceNo: "abcdefgh0017",
        OriginalReferenceNo: "T24080000027",
        LatestTransactionStatus: "00",
        Body: Encoding.UTF8.GetBytes(body));

    public static NotificationMessage Message(string body = PrettyBody) => NotificationEnvelope.Create(Input(body));
}
