using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using QoinHub.Simulator.Protocol;
using QoinHub.Simulator.Queues;

namespace QoinHub.Simulator.Output;

/// <summary>
/// Prints a queue message for a person: a line with the envelope's ids and the payment status,
/// a line with what the queue knows of it, then the envelope indented. The envelope holds no
/// token, signature or secret (the app never puts one there), so nothing needs shortening.
/// </summary>
public static class QueueMessageWriter
{
    // Non-ASCII written as is: a reference or description with 'é' should read as 'é' on the terminal.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter output, int number, InspectedMessage message)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        var content = message.Content;
        if (content.Envelope is { } envelope)
        {
            var status = content.Notification?["latestTransactionStatus"] is { } node && node.GetValueKind() == JsonValueKind.String
                ? node.GetValue<string>()
                : null;
            output.WriteLine(
                $"[{number}] messageId {content.MessageId ?? "(none)"}  partner {content.PartnerId ?? "(none)"}  " +
                $"externalId {content.ExternalId ?? "(none)"}  status {(status is null ? "(none)" : $"{status} ({NotificationPayload.DescribeStatus(status)})")}");
            output.WriteLine($"    {Describe(message)}");
            output.WriteLine(envelope.ToJsonString(Indented));
        }
        else
        {
            output.WriteLine($"[{number}] not a JSON envelope");
            output.WriteLine($"    {Describe(message)}");
            output.WriteLine(content.Text);
        }

        output.WriteLine();
    }

    private static string Describe(InspectedMessage message) =>
        $"queue message {message.QueueMessageId}, inserted {message.InsertedOn?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "?"}, " +
        $"dequeued {message.DequeueCount} {(message.DequeueCount == 1 ? "time" : "times")}";
}
