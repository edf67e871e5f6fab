using System.Security.Cryptography;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.EndToEnd.Tests;

/// <summary><c>token</c> as someone with only QoinHub's client id and private key runs it: no credentials directory, no secret.</summary>
public sealed class TokenCommandTests
{
    [Fact]
    public async Task Token_needs_only_the_client_id_and_a_private_key_file()
    {
        using var credentials = await DevCredentials.CreateAsync();
        await using var endpoint = await RecordingEndpoint.StartAsync();
        var elsewhere = Directory.CreateTempSubdirectory("qoinhub-token-only-").FullName;
        try
        {
            // Only the key file, in a directory with no .dev/ (so no default credentials) and no secret.
            var keyFile = Path.Combine(elsewhere, "qoinhub-private.pem");
            File.Copy(Path.Combine(credentials.PrimaryDirectory, "private.pem"), keyFile);

            var result = await SimulatorCli.RunAsync(elsewhere, TimeSpan.FromMinutes(1),
                "token", "--base-url", endpoint.BaseUrl.ToString(), "--client-id", "QoinSnap", "--private-key", keyFile);

            Assert.True(result.ExitCode == 0, result.ToString());
            var request = Assert.Single(endpoint.Requests);
            Assert.Equal("QoinSnap", request.Header("X-CLIENT-KEY"));
            using var publicKey = RSA.Create();
            publicKey.ImportFromPem(File.ReadAllText(Path.Combine(credentials.PrimaryDirectory, "public.pem")));
            Assert.True(AsymmetricSignature.Verify(
                [publicKey], "QoinSnap", request.Header("X-TIMESTAMP"), Convert.FromBase64String(request.Header("X-SIGNATURE"))));
            var token = endpoint.IssuedTokens.Single();
            Assert.DoesNotContain(token, result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains(token[..6] + "…", result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task Notify_with_a_private_key_but_no_secret_says_what_to_add()
    {
        using var credentials = await DevCredentials.CreateAsync();

        var result = await SimulatorCli.RunAsync(credentials.Root, TimeSpan.FromMinutes(1),
            "notify", "--base-url", "http://127.0.0.1:9", "--client-id", "QoinSnap", "--private-key", Path.Combine(credentials.PrimaryDirectory, "private.pem"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--client-secret-file", result.StandardError, StringComparison.Ordinal);
    }
}
