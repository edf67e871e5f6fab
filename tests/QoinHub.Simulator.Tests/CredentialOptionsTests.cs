using System.CommandLine;
using System.Security.Cryptography;
using QoinHub.Simulator.Cli;

namespace QoinHub.Simulator.Tests;

/// <summary>Which credentials each kind of command needs: a token request is signed with the private key alone.</summary>
public sealed class CredentialOptionsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("qoinhub-sim-credentials-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Client_id_and_private_key_file_are_enough_for_token_requests()
    {
        var (options, result) = Parse("--client-id", "QoinSnap", "--private-key", WritePrivateKey("qoinhub.pem"));

        using var partner = options.Resolve(result, clientSecretRequired: false);

        Assert.Equal("QoinSnap", partner.ClientId);
        Assert.False(partner.HasClientSecret);
        Assert.Equal(2048, partner.PrivateKey.KeySize);
    }

    [Fact]
    public void Client_id_and_private_key_file_without_a_secret_are_refused_where_notifications_are_signed()
    {
        var (options, result) = Parse("--client-id", "QoinSnap", "--private-key", WritePrivateKey("qoinhub.pem"));

        var refusal = Assert.Throws<UsageException>(() => options.Resolve(result).Dispose());

        Assert.Contains("--client-secret-file", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credentials_directory_without_a_secret_file_serves_token_requests()
    {
        var partnerDirectory = _directory.CreateSubdirectory("dev-qoinhub");
        WritePrivateKey(Path.Combine("dev-qoinhub", "private.pem"));
        var (options, result) = Parse("--credentials", partnerDirectory.FullName);

        using var partner = options.Resolve(result, clientSecretRequired: false);

        Assert.Equal("dev-qoinhub", partner.ClientId);
        Assert.False(partner.HasClientSecret);
        Assert.Throws<Credentials.CredentialsException>(() => options.Resolve(result).Dispose());
    }

    [Fact]
    public void A_missing_credentials_directory_says_to_run_from_the_repository_root_before_it_mentions_dev_keys()
    {
        var (options, result) = Parse("--credentials", Path.Combine(_directory.FullName, ".dev", "dev-qoinhub"));

        var refusal = Assert.ThrowsAny<Exception>(() => options.Resolve(result).Dispose());

        Assert.Contains("run the simulator from the repository root", refusal.Message, StringComparison.Ordinal);
        var root = refusal.Message.IndexOf("repository root", StringComparison.Ordinal);
        var devKeys = refusal.Message.IndexOf("dev-keys", StringComparison.Ordinal);
        Assert.True(devKeys > root, "Creating new keys is the last advice, and says the app must be told about them: " + refusal.Message);
        Assert.Contains("Partners__", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_file_given_with_the_private_key_is_used()
    {
        var secretFile = Path.Combine(_directory.FullName, "secret.txt");
        File.WriteAllText(secretFile, "the-client-secret\n");
        var (options, result) = Parse("--client-id", "QoinSnap", "--private-key", WritePrivateKey("qoinhub.pem"), "--client-secret-file", secretFile);

        using var partner = options.Resolve(result);

        Assert.Equal("the-client-secret", partner.ClientSecret);
    }

    private static (CredentialOptions Options, ParseResult Result) Parse(params string[] arguments)
    {
        var options = new CredentialOptions();
        var command = new Command("token");
        options.AddTo(command);
        var result = command.Parse(arguments);
        Assert.Empty(result.Errors);
        return (options, result);
    }

    private string WritePrivateKey(string relativePath)
    {
        var path = Path.Combine(_directory.FullName, relativePath);
        using var rsa = RSA.Create(2048);
        File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
        return path;
    }
}
