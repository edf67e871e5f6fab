using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace QoinHub.Simulator.Protocol;

/// <summary>
/// The body of a Payment Notification Debit. <see cref="Omitted"/> leaves mandatory fields out
/// on purpose (for the conformance checks).
/// </summary>
public sealed record NotificationPayload(
    string OriginalPartnerReferenceNo,
    string OriginalReferenceNo,
    string LatestTransactionStatus,
    string TransactionStatusDesc,
    string CreatedTime,
    IReadOnlyList<KeyValuePair<string, string>> AdditionalInfo)
{
    public const string AdditionalInfoField = "additionalInfo";
    public const string CreatedTimeField = "createdTime";
    public const string LatestTransactionStatusField = "latestTransactionStatus";
    public const string OriginalPartnerReferenceNoField = "originalPartnerReferenceNo";
    public const string OriginalReferenceNoField = "originalReferenceNo";
    public const string TransactionStatusDescField = "transactionStatusDesc";

    public static IReadOnlyList<string> MandatoryFields { get; } =
    [
        CreatedTimeField, LatestTransactionStatusField, OriginalPartnerReferenceNoField, OriginalReferenceNoField, TransactionStatusDescField,
    ];

    public IReadOnlyCollection<string> Omitted { get; init; } = [];

    /// <summary>SNAP's meaning of each <c>latestTransactionStatus</c>.</summary>
    public static string DescribeStatus(string status) => status switch
    {
        "00" => "Success",
        "01" => "Initiated",
        "02" => "Paying",
        "03" => "Pending",
        "04" => "Refunded",
        "05" => "Canceled",
        "06" => "Failed",
        "07" => "Not found",
        "08" => "Expiry",
        "09" => "Rejected",
        _ => "Unknown",
    };

    /// <summary>Compact JSON, fields in the order of QoinHub's example, non-ASCII written as is (as JavaScript would).</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (!Omitted.Contains(AdditionalInfoField))
            {
                writer.WriteStartObject(AdditionalInfoField);
                foreach (var (key, value) in AdditionalInfo)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            WriteUnlessOmitted(writer, CreatedTimeField, CreatedTime);
            WriteUnlessOmitted(writer, LatestTransactionStatusField, LatestTransactionStatus);
            WriteUnlessOmitted(writer, OriginalPartnerReferenceNoField, OriginalPartnerReferenceNo);
            WriteUnlessOmitted(writer, OriginalReferenceNoField, OriginalReferenceNo);
            WriteUnlessOmitted(writer, TransactionStatusDescField, TransactionStatusDesc);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void WriteUnlessOmitted(Utf8JsonWriter writer, string name, string value)
    {
        if (!Omitted.Contains(name))
        {
            writer.WriteString(name, value);
        }
    }
}
