using System.Globalization;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.EndToEnd.Tests.Chaos;

/// <summary>
/// What the Service Bus stand-in saw in a chaos run: every send that reached it, what it answered,
/// and the duplicates before and after duplicate detection. "Before" counts every send the broker
/// took (enqueued, dropped as a duplicate, or enqueued with its answer lost) beyond the first of its
/// MessageId: what a queue without duplicate detection would hold twice. "After" counts the same on
/// the queue itself, and must be zero.
/// </summary>
internal sealed record BrokerFigures(int Sends, int Taken, int Enqueued, int DuplicatesDropped, int Rejected, int AnswersLost, int Unanswered, int DuplicatesBeforeDetection, int DuplicatesAfterDetection)
{
    public static BrokerFigures Of(ServiceBusStandIn broker, string queue)
    {
        var sends = broker.Sends.Where(send => send.Queue == queue).ToList();
        var taken = sends.Where(send => send.Enqueued || send.Outcome == SendOutcome.DuplicateDropped).ToList();
        var onQueue = broker.Queue(queue).Enqueued;
        return new BrokerFigures(
            sends.Count,
            taken.Count,
            onQueue.Count,
            sends.Count(send => send.Outcome == SendOutcome.DuplicateDropped),
            sends.Count(send => send.Outcome == SendOutcome.Rejected),
            sends.Count(send => send.Outcome == SendOutcome.AcceptedAnswerLost),
            sends.Count(send => send.Outcome is SendOutcome.NeverSettled or SendOutcome.Dropped),
            taken.Count - taken.Select(send => send.Message.MessageId).Distinct(StringComparer.Ordinal).Count(),
            onQueue.Count - onQueue.Select(message => message.MessageId).Distinct(StringComparer.Ordinal).Count());
    }

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"broker: {Sends} sends, {Taken} taken, {Enqueued} enqueued, {Rejected} rejected, {AnswersLost} enqueued with the answer lost, {Unanswered} dropped unanswered; " +
        $"duplicates: {DuplicatesBeforeDetection} before detection (a queue without it would hold them), {DuplicatesDropped} dropped by detection, {DuplicatesAfterDetection} after");
}
