using System.Globalization;
using QoinHub.Simulator.Credentials;
using QoinHub.Simulator.Http;

namespace QoinHub.Simulator.Protocol;

/// <summary>Obtains access tokens the way QoinHub does before each notification.</summary>
public sealed class AccessTokenClient(SnapEndpoint endpoint, TimeProvider clock)
{
    public const string SuccessCode = "2007300";

    /// <summary>Sends a correctly signed token request with the current time and returns both sides.</summary>
    public async Task<(SnapHttpRequest Request, SnapHttpResponse Response)> RequestAsync(SimulatedPartner partner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var request = TokenRequests.Create(endpoint, partner.ClientId, partner.PrivateKey, SnapTime.Format(clock.GetUtcNow()));
        var response = await endpoint.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (request, response);
    }

    /// <summary>A fresh token; throws <see cref="AccessTokenRefusedException"/> when the endpoint does not issue one.</summary>
    public async Task<ObtainedToken> ObtainAsync(SimulatedPartner partner, CancellationToken cancellationToken)
    {
        var requestedAt = clock.GetUtcNow();
        var (_, response) = await RequestAsync(partner, cancellationToken).ConfigureAwait(false);
        return ReadToken(response, requestedAt) ?? throw new AccessTokenRefusedException(response);
    }

    /// <summary>The token of a successful answer; null for anything else (including a success without a usable token).</summary>
    public static ObtainedToken? ReadToken(SnapHttpResponse response, DateTimeOffset requestedAt)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.Is(200, SuccessCode) || string.IsNullOrEmpty(response.Field("accessToken")))
        {
            return null;
        }

        return long.TryParse(response.Field("expiresIn"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? new ObtainedToken(response.Field("accessToken")!, TimeSpan.FromSeconds(seconds), requestedAt, requestedAt + response.Elapsed)
            : null;
    }
}
