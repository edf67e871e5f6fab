using System.Security.Cryptography;

namespace QoinHub.Simulator.Credentials;

/// <summary>
/// What QoinHub holds for one partner registration: the client id, the RSA private key whose
/// public half the merchant registered, and the shared client secret.
/// </summary>
public sealed class SimulatedPartner(string clientId, RSA privateKey, string clientSecret) : IDisposable
{
    public string ClientId => clientId;

    public RSA PrivateKey => privateKey;

    public string ClientSecret => clientSecret;

    public void Dispose() => privateKey.Dispose();
}
