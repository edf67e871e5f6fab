using System.Buffers.Text;
using System.Security.Cryptography;

namespace QoinHub.Simulator.Credentials;

/// <summary>
/// Development credentials for the local app: a key pair and a client secret per development
/// partner. The second partner exists so that "a token issued to another partner" can be tried.
/// </summary>
public static class DevKeys
{
    public const string PrimaryClientId = "dev-qoinhub";
    public const string SecondaryClientId = "dev-qoinhub-2";
    public const int RsaKeySizeInBits = 2048;
    public const int SecretBytes = 32;

    public static IReadOnlyList<string> ClientIds { get; } = [PrimaryClientId, SecondaryClientId];

    /// <summary>Writes every partner's files, or none of them when any key exists and <paramref name="force"/> is false.</summary>
    public static IReadOnlyList<DevPartner> Write(string outDirectory, bool force)
    {
        var root = Path.GetFullPath(outDirectory);
        if (!force)
        {
            var existing = ClientIds
                .SelectMany(id => new[] { PartnerFiles.PrivateKey, PartnerFiles.PublicKey, PartnerFiles.ClientSecret }.Select(file => Path.Combine(root, id, file)))
                .Where(File.Exists)
                .ToList();
            if (existing.Count > 0)
            {
                throw new CredentialsException(
                    $"Development credentials already exist ({string.Join(", ", existing)}). " +
                    "Keep using them, or pass --force to replace them (the app must then be restarted with the new settings).");
            }
        }

        var partners = new List<DevPartner>(ClientIds.Count);
        foreach (var clientId in ClientIds)
        {
            var directory = Path.Combine(root, clientId);
            Directory.CreateDirectory(directory);
            using var rsa = RSA.Create(RsaKeySizeInBits);
            var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
            var partner = new DevPartner(clientId, directory, secret);
            WritePrivate(partner.PrivateKeyPath, rsa.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(partner.PublicKeyPath, rsa.ExportSubjectPublicKeyInfoPem() + "\n");
            WritePrivate(partner.ClientSecretPath, secret);
            partners.Add(partner);
        }

        return partners;
    }

    /// <summary>The app settings (environment variable names) that register <paramref name="partners"/> with the local app.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> AppSettings(IReadOnlyList<DevPartner> partners)
    {
        ArgumentNullException.ThrowIfNull(partners);
        var settings = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < partners.Count; i++)
        {
            settings.Add(new($"Partners__{i}__ClientId", partners[i].ClientId));
            settings.Add(new($"Partners__{i}__PublicKeys__0", partners[i].PublicKeyPath));
            settings.Add(new($"Partners__{i}__ClientSecrets__0", partners[i].ClientSecret));
        }

        return settings;
    }

    private static void WritePrivate(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.Write(content);
            writer.Write('\n');
        }

        // UnixCreateMode only applies to new files; a replaced file keeps its old mode otherwise.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}

/// <summary>One development partner's files (absolute paths) and its client secret.</summary>
public sealed record DevPartner(string ClientId, string Directory, string ClientSecret)
{
    public string PrivateKeyPath => Path.Combine(Directory, PartnerFiles.PrivateKey);

    public string PublicKeyPath => Path.Combine(Directory, PartnerFiles.PublicKey);

    public string ClientSecretPath => Path.Combine(Directory, PartnerFiles.ClientSecret);
}
