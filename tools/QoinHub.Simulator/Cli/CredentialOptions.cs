using System.CommandLine;
using QoinHub.Simulator.Credentials;

namespace QoinHub.Simulator.Cli;

/// <summary>
/// Whose credentials QoinHub plays with: a credentials directory (as <c>dev-keys</c> writes it)
/// or the client id, private key file and client secret given one by one.
/// </summary>
public sealed class CredentialOptions
{
    public const string DefaultDirectory = ".dev/" + DevKeys.PrimaryClientId;

    public Option<string> Directory { get; } = new("--credentials")
    {
        Description = "Directory with private.pem and client-secret.txt; its name is the client id",
        DefaultValueFactory = _ => DefaultDirectory,
    };

    public Option<string?> ClientId { get; } = new("--client-id") { Description = "The client id (X-CLIENT-KEY, X-PARTNER-ID)" };

    public Option<string?> PrivateKey { get; } = new("--private-key") { Description = "PEM file of the RSA private key that signs token requests, instead of --credentials (needs --client-id; notifications also need the client secret)" };

    public Option<string?> ClientSecret { get; } = new("--client-secret") { Description = "The client secret (prefer --client-secret-file: arguments are visible to other users)" };

    public Option<string?> ClientSecretFile { get; } = new("--client-secret-file") { Description = "File holding the client secret" };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Directory);
        command.Options.Add(ClientId);
        command.Options.Add(PrivateKey);
        command.Options.Add(ClientSecret);
        command.Options.Add(ClientSecretFile);
    }

    /// <summary>
    /// The partner the options name. A token request is signed with the private key alone, so
    /// <c>token</c> passes <paramref name="clientSecretRequired"/> false and needs no secret.
    /// </summary>
    public SimulatedPartner Resolve(ParseResult result, bool clientSecretRequired = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        var secretValue = result.GetValue(ClientSecret);
        var secretFile = result.GetValue(ClientSecretFile);
        if (secretValue is not null && secretFile is not null)
        {
            throw new UsageException("Pass --client-secret or --client-secret-file, not both.");
        }

        var secret = secretFile is null ? secretValue : PartnerFiles.ReadSecret(secretFile);
        if (result.GetValue(PrivateKey) is { } privateKey)
        {
            var clientId = result.GetValue(ClientId) ?? throw new UsageException("--private-key needs --client-id.");
            if (secret is null && clientSecretRequired)
            {
                throw new UsageException("Signing notifications needs the client secret: pass --client-secret-file (or --client-secret) with --private-key.");
            }

            return PartnerFiles.Create(clientId, privateKey, secret);
        }

        return PartnerFiles.LoadDirectory(result.GetValue(Directory)!, result.GetValue(ClientId), secret, clientSecretRequired);
    }
}
