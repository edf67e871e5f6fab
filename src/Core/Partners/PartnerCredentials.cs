using System.Security.Cryptography;

namespace QoinHub.Merchant.Partners;

/// <summary>
/// What the merchant knows about one QoinHub client: the RSA public keys that may sign its token
/// requests and the client secrets that may sign its notifications. Several of each are allowed
/// so that a key or secret can be rotated without downtime.
/// </summary>
/// <param name="ClientId">The <c>X-CLIENT-KEY</c> of token requests; also the <c>X-PARTNER-ID</c> of its notifications.</param>
/// <param name="PublicKeys">Imported RSA public keys (2048 bits or more); owned by the directory that made them.</param>
/// <param name="ClientSecrets">HMAC keys for notification signatures, as configured (UTF-8).</param>
public sealed record PartnerCredentials(string ClientId, IReadOnlyList<RSA> PublicKeys, IReadOnlyList<string> ClientSecrets);
