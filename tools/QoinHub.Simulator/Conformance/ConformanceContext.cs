using System.Security.Cryptography;
using QoinHub.Simulator.Credentials;
using QoinHub.Simulator.Http;
using QoinHub.Simulator.Output;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Conformance;

/// <summary>
/// What the checks share: the endpoint, the partners, the clock, and the records every request
/// leaves (sensitive values, sent notifications). Each notification check gets a fresh token and
/// a fresh external id, so checks never depend on one another.
/// </summary>
public sealed class ConformanceContext(
    SnapEndpoint endpoint,
    SimulatedPartner partner,
    SimulatedPartner? otherPartner,
    TimeProvider clock,
    ConformanceSettings settings)
{
    private readonly AccessTokenClient _tokens = new(endpoint, clock);
    private readonly ExternalIdGenerator _externalIds = new(clock);
    private Task<ObtainedToken>? _earlyToken;
    private Task<IReadOnlyList<PublishedMessage>>? _queueMessages;

    public SnapEndpoint Endpoint => endpoint;

    public SimulatedPartner Partner => partner;

    public SimulatedPartner? OtherPartner => otherPartner;

    public TimeProvider Clock => clock;

    public ConformanceSettings Settings => settings;

    public SensitiveValues Sensitive { get; } = new();

    public NotificationLedger Ledger { get; } = new();

    /// <summary>A token obtained when the run starts, for the expired-token check to wait out while the others run.</summary>
    public Task<ObtainedToken> EarlyToken => _earlyToken ?? throw new InvalidOperationException("Start the context first.");

    public void Start(CancellationToken cancellationToken)
    {
        Sensitive.Add(partner.ClientSecret);
        Sensitive.Add(otherPartner?.ClientSecret);
        _earlyToken = TokenAsync(partner, cancellationToken);
    }

    public string Timestamp(TimeSpan offset = default) => SnapTime.Format(clock.GetUtcNow() + offset);

    public SnapHttpRequest TokenRequest(string? clientId = null, RSA? key = null, string? timestamp = null, ReadOnlyMemory<byte>? body = null) =>
        TokenRequests.Create(endpoint, clientId ?? partner.ClientId, key ?? partner.PrivateKey, timestamp ?? Timestamp(), body);

    public async Task<SnapHttpResponse> SendTokenRequestAsync(SnapHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Sensitive.Add(request.Header(SnapHeaderNames.Signature));
        var response = await endpoint.SendAsync(request, cancellationToken).ConfigureAwait(false);
        Sensitive.Add(response.Field("accessToken"));
        return response;
    }

    public async Task<ObtainedToken> TokenAsync(SimulatedPartner owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var requestedAt = clock.GetUtcNow();
        var response = await SendTokenRequestAsync(TokenRequest(owner.ClientId, owner.PrivateKey), cancellationToken).ConfigureAwait(false);
        return AccessTokenClient.ReadToken(response, requestedAt) ?? throw new AccessTokenRefusedException(response);
    }

    /// <summary>A correct payment notification with a fresh external id.</summary>
    public NotificationSpec Notification(string status = "00") =>
        NotificationSpec.ForPayment(_externalIds.Next(), clock.GetUtcNow().AddMinutes(-1), status);

    /// <summary>
    /// Signs <paramref name="spec"/> (with a fresh token of the partner unless <paramref name="accessToken"/>
    /// is given, and the partner's secret unless <paramref name="clientSecret"/> is), applies
    /// <paramref name="alter"/> to the signed request and sends it.
    /// </summary>
    public async Task<SnapHttpResponse> SendNotificationAsync(
        NotificationSpec spec,
        CancellationToken cancellationToken,
        Func<SnapHttpRequest, SnapHttpRequest>? alter = null,
        string? accessToken = null,
        string? clientSecret = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        accessToken ??= (await TokenAsync(partner, cancellationToken).ConfigureAwait(false)).AccessToken;
        Sensitive.Add(accessToken);
        var signed = NotificationRequests.Sign(endpoint, spec, partner.ClientId, clientSecret ?? partner.ClientSecret, accessToken, Timestamp());
        Sensitive.Add(signed.Signature);
        var request = alter is null ? signed.Request : alter(signed.Request);
        var response = await endpoint.SendAsync(request, cancellationToken).ConfigureAwait(false);
        Ledger.Record(request, response);
        return response;
    }

    /// <summary>The queue's messages, read once after the last notification was sent and shared by the queue checks.</summary>
    public Task<IReadOnlyList<PublishedMessage>> ReadQueueOnceAsync(QueueAccess queue, CancellationToken cancellationToken) =>
        _queueMessages ??= LocalQueueReader.ReadAllAsync(queue, cancellationToken);

    /// <summary>
    /// Passes when the answer has the expected status and code, a refusal says why, the answer
    /// echoes no token, signature or secret (other than <paramref name="issuedToken"/>, the one a
    /// token answer carries), and <paramref name="problems"/> holds nothing else.
    /// </summary>
    public CheckResult Judge(SnapExpectation expected, SnapHttpResponse response, IEnumerable<string?>? problems = null, string? issuedToken = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(response);
        if (response.TransportError is { } error)
        {
            return CheckResult.Failed(expected.ToString(), response.Outcome, error);
        }

        var found = new List<string>();
        if (!expected.IsMetBy(response))
        {
            found.Add($"answered {response.Outcome}: {Describe(response)}");
        }

        if (expected.Status >= 400 && string.IsNullOrWhiteSpace(response.ResponseMessage))
        {
            found.Add("the refusal has no responseMessage that tells the caller what to fix");
        }

        var body = issuedToken is null ? response.Body : response.Body.Replace(issuedToken, string.Empty, StringComparison.Ordinal);
        if (Sensitive.FindIn(body) is not null)
        {
            found.Add("the answer contains a token, signature or secret of this run");
        }

        found.AddRange((problems ?? []).OfType<string>());
        return found.Count == 0
            ? new CheckResult(CheckOutcome.Passed, expected.ToString(), response.Outcome, response.ResponseMessage)
            : CheckResult.Failed(expected.ToString(), response.Outcome, string.Join("; ", found));
    }

    private static string Describe(SnapHttpResponse response) =>
        response.ResponseMessage ?? (response.Body.Length <= 200 ? response.Body : response.Body[..200] + "…");
}
