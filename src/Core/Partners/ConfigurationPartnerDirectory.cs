using System.Collections.Frozen;
using System.Security.Cryptography;

namespace QoinHub.Merchant.Partners;

/// <summary>
/// Serves the partners written in configuration (<c>Partners:n:PublicKeys</c>, <c>Partners:n:ClientSecrets</c>).
/// Keys are imported once, when the directory is made; a bad entry stops start-up instead of
/// failing requests later.
/// </summary>
public sealed class ConfigurationPartnerDirectory : IPartnerDirectory, IDisposable
{
    private readonly FrozenDictionary<string, PartnerCredentials> _partners;

    private ConfigurationPartnerDirectory(FrozenDictionary<string, PartnerCredentials> partners) => _partners = partners;

    public ValueTask<PartnerCredentials?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return ValueTask.FromResult(_partners.GetValueOrDefault(clientId));
    }

    public void Dispose()
    {
        foreach (var key in _partners.Values.SelectMany(partner => partner.PublicKeys))
        {
            key.Dispose();
        }
    }

    /// <summary>
    /// Imports every configured key, adding each bad setting to <paramref name="failures"/> (the caller
    /// then disposes the directory and stops). Relative file paths are resolved against <paramref name="baseDirectory"/>.
    /// </summary>
    public static ConfigurationPartnerDirectory Create(IReadOnlyList<PartnerOptions> partners, string baseDirectory, List<string> failures)
    {
        var credentials = new List<PartnerCredentials>();
        foreach (var partner in partners)
        {
            var keys = new List<RSA>();
            foreach (var setting in partner.PublicKeys)
            {
                var import = ImportSetting(setting, baseDirectory, failures);
                keys.AddRange(import.Keys);
            }

            credentials.Add(new PartnerCredentials(partner.ClientId, keys, partner.ClientSecrets));
        }

        return new ConfigurationPartnerDirectory(credentials.ToFrozenDictionary(partner => partner.ClientId, StringComparer.Ordinal));
    }

    private static RsaPublicKeyImport ImportSetting(ConfiguredValue setting, string baseDirectory, List<string> failures)
    {
        var source = setting.SettingPath;
        string pem;
        if (RsaPublicKeyPem.LooksLikePem(setting.Value))
        {
            pem = setting.Value;
        }
        else
        {
            // Not PEM, so it is a path; the path is no secret and naming it is what helps the operator.
            string fullPath;
            try
            {
                fullPath = Path.GetFullPath(setting.Value, baseDirectory);
                pem = File.ReadAllText(fullPath);
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
            {
                failures.Add($"{source} is neither PEM text nor the path of an existing file (relative paths start from {baseDirectory})");
                return new RsaPublicKeyImport([], []);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                failures.Add($"{source} names a file that cannot be read: {exception.Message}");
                return new RsaPublicKeyImport([], []);
            }

            source = $"{source} (file '{fullPath}')";
        }

        var import = RsaPublicKeyPem.Import(pem);
        failures.AddRange(import.Problems.Select(problem => $"{source}: {problem}"));
        return import;
    }
}
