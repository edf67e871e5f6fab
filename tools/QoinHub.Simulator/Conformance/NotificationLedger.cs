using System.Text.Json.Nodes;
using QoinHub.Simulator.Http;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Conformance;

/// <summary>
/// Every notification a run sent and how it was answered: the accepted ones (answered
/// <c>2005600</c>, once per partner and external id) must each reach the queue once, and no
/// other external id of the run may reach it at all. Without <paramref name="keepBodies"/> only
/// the ids are kept (long load runs).
/// </summary>
public sealed class NotificationLedger(bool keepBodies = true)
{
    public const string AcceptedCode = "2005600";

    private readonly Lock _gate = new();
    private readonly Dictionary<(string PartnerId, string ExternalId), SentNotification> _accepted = [];
    private readonly HashSet<(string PartnerId, string ExternalId)> _sent = [];

    public void Record(SnapHttpRequest request, SnapHttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var partnerId = request.Header(SnapHeaderNames.PartnerId) ?? string.Empty;
        var externalId = request.Header(SnapHeaderNames.ExternalId) ?? string.Empty;
        lock (_gate)
        {
            _sent.Add((partnerId, externalId));
            if (response.Is(200, AcceptedCode))
            {
                _accepted.TryAdd((partnerId, externalId), new SentNotification(
                    partnerId, externalId, request.Header(SnapHeaderNames.ChannelId) ?? string.Empty, keepBodies ? ParseBody(request.Body) : null));
            }
        }
    }

    /// <summary>Distinct accepted notifications, in the order they were first accepted.</summary>
    public IReadOnlyList<SentNotification> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted.Values];
            }
        }
    }

    /// <summary>Partner and external ids that were sent but never accepted.</summary>
    public IReadOnlyCollection<(string PartnerId, string ExternalId)> NeverAccepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent.Where(id => !_accepted.ContainsKey(id))];
            }
        }
    }

    private static JsonNode? ParseBody(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonNode.Parse(body.Span);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>An accepted notification: its ids and its body as sent (parsed), to compare with what was published.</summary>
public sealed record SentNotification(string PartnerId, string ExternalId, string ChannelId, JsonNode? Body);
