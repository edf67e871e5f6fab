using System.Collections.Concurrent;
using Azure.Core;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>A token credential that hands out a fixed token and records the scopes it was asked for.</summary>
internal sealed class RecordingTokenCredential(string token) : TokenCredential
{
    private readonly ConcurrentQueue<string[]> _requestedScopes = new();

    public string Token => token;

    public IReadOnlyList<string[]> RequestedScopes => [.. _requestedScopes];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        _requestedScopes.Enqueue(requestContext.Scopes);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
