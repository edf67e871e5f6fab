using System.Security.Cryptography;
using System.Text;
using QoinHub.Simulator.Http;

namespace QoinHub.Simulator.Protocol;

/// <summary>Access Token B2B requests as QoinHub signs them.</summary>
public static class TokenRequests
{
    public const string ClientCredentialsBodyText = "{\"grantType\":\"client_credentials\",\"additionalInfo\":{}}";

    public static ReadOnlyMemory<byte> ClientCredentialsBody { get; } = Encoding.UTF8.GetBytes(ClientCredentialsBodyText);

    /// <summary>
    /// A request signed with <paramref name="privateKey"/> over <c>clientId|timestamp</c>; the
    /// timestamp text is sent and signed as given, so malformed or skewed ones stay signed.
    /// </summary>
    public static SnapHttpRequest Create(SnapEndpoint endpoint, string clientId, RSA privateKey, string timestamp, ReadOnlyMemory<byte>? body = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new SnapHttpRequest(
            endpoint.AccessTokenPath,
            [
                new(SnapHeaderNames.ContentType, "application/json"),
                new(SnapHeaderNames.Timestamp, timestamp),
                new(SnapHeaderNames.ClientKey, clientId),
                new(SnapHeaderNames.Signature, SnapSigner.SignTokenRequest(privateKey, clientId, timestamp)),
            ],
            body ?? ClientCredentialsBody);
    }
}
