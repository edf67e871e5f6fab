using System.Security.Cryptography;

namespace QoinHub.Simulator.Credentials;

/// <summary>
/// What QoinHub holds for one partner registration: the client id, the RSA private key whose
/// public half the merchant registered, and the shared client secret. The secret is absent when
/// only token requests are made: they are signed with the private key alone.
/// </summary>
public sealed class SimulatedPartner(string clientId, RSA privateKey, string? clientSecret) : IDisposable
{
    public string ClientId => clientId;

    public RSA PrivateKey => privateKey;

    public bool HasClientSecret => clientSecret is not null;

    /// <summary>The client secret that signs notifications; commands that sign any resolve their partner with one.</summary>
    public string ClientSecret => clientSecret ?? throw new InvalidOperationException(
        $"The credentials of {clientId} were loaded without a client secret (enough for token requests only).");

    public void Dispose() => privateKey.Dispose();
}
