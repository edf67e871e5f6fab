using System.Security.Cryptography;

namespace QoinHub.Simulator.Credentials;

/// <summary>
/// The credentials directory layout shared by <c>dev-keys</c> and every other command:
/// <c>&lt;dir&gt;/private.pem</c>, <c>&lt;dir&gt;/public.pem</c>, <c>&lt;dir&gt;/client-secret.txt</c>;
/// the directory's name is the client id.
/// </summary>
public static class PartnerFiles
{
    public const string PrivateKey = "private.pem";
    public const string PublicKey = "public.pem";
    public const string ClientSecret = "client-secret.txt";

    /// <summary>
    /// Loads a credentials directory; <paramref name="clientId"/> and <paramref name="clientSecret"/> override what it holds.
    /// Without <paramref name="clientSecretRequired"/>, a directory without a secret file yields a partner without a secret.
    /// </summary>
    public static SimulatedPartner LoadDirectory(string directory, string? clientId = null, string? clientSecret = null, bool clientSecretRequired = true)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new CredentialsException(
                $"The credentials directory {full} does not exist. The app run by ./scripts/run-local.sh knows the partners in the .dev " +
                "directory of the repository root: run the simulator from the repository root, or pass --credentials <repository>/.dev/<client id>. " +
                "Other credentials: --credentials <dir>, or --client-id with --private-key (and, to sign notifications, --client-secret-file). " +
                "'dev-keys' writes new keys, which an app knows only once its Partners__* settings name them.");
        }

        var secretFile = Path.Combine(full, ClientSecret);
        if (clientSecret is null && (clientSecretRequired || File.Exists(secretFile)))
        {
            clientSecret = ReadSecret(secretFile);
        }

        return Create(clientId ?? new DirectoryInfo(full).Name, Path.Combine(full, PrivateKey), clientSecret);
    }

    /// <summary>A partner from a private key file; <paramref name="clientSecret"/> null when only token requests are made.</summary>
    public static SimulatedPartner Create(string clientId, string privateKeyFile, string? clientSecret)
    {
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new CredentialsException("The client id is empty.");
        }

        if (clientSecret is { Length: 0 })
        {
            throw new CredentialsException("The client secret is empty.");
        }

        return new SimulatedPartner(clientId, ReadPrivateKey(privateKeyFile), clientSecret);
    }

    /// <summary>Reads a secret file; surrounding whitespace (the trailing newline editors add) is not part of the secret.</summary>
    public static string ReadSecret(string path)
    {
        if (!File.Exists(path))
        {
            throw new CredentialsException($"The client secret file {Path.GetFullPath(path)} does not exist.");
        }

        return File.ReadAllText(path).Trim();
    }

    public static RSA ReadPrivateKey(string path)
    {
        if (!File.Exists(path))
        {
            throw new CredentialsException($"The private key file {Path.GetFullPath(path)} does not exist.");
        }

        var rsa = RSA.Create();
        try
        {
            // PKCS#8 ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY"); encrypted keys are not supported.
            rsa.ImportFromPem(File.ReadAllText(path));
            return rsa;
        }
        catch (ArgumentException exception)
        {
            rsa.Dispose();
            throw new CredentialsException($"{Path.GetFullPath(path)} holds no unencrypted RSA private key in PEM form.", exception);
        }
        catch (CryptographicException exception)
        {
            rsa.Dispose();
            throw new CredentialsException($"{Path.GetFullPath(path)} holds no usable RSA private key.", exception);
        }
    }
}
