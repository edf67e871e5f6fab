using System.Security.Cryptography;
using System.Text;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.EndToEnd.Tests;

/// <summary>The simulator's commands against a recording endpoint: what they send, print and conclude.</summary>
public sealed class SimulatorCommandTests
{
    [Fact]
    public async Task Conformance_fails_an_endpoint_that_accepts_every_request()
    {
        using var credentials = await DevCredentials.CreateAsync();
        await using var lax = await RecordingEndpoint.StartAsync();
        var reportPath = Path.Combine(credentials.Root, "report.json");

        var result = await SimulatorCli.RunAsync(credentials.Root, TimeSpan.FromMinutes(2),
            "conformance", "--base-url", lax.BaseUrl.ToString(), "--report", reportPath);

        Assert.True(result.ExitCode == 1, result.ToString());
        var outcomes = ReportFile.Checks(ReportFile.Read(reportPath)).ToDictionary(check => check.Name, check => check.Outcome);
        Assert.Equal("Passed", outcomes["token.valid"]);
        Assert.Equal("Passed", outcomes["notify.valid"]);
        Assert.Equal("Passed", outcomes["notify.php-escaped-signing"]);
        foreach (var forged in new[]
                 {
                     "token.wrong-signature", "token.unknown-client", "token.stale-timestamp", "notify.missing-x-signature",
                     "notify.wrong-signature", "notify.tampered-body", "notify.token-unknown", "notify.token-of-other-partner",
                     "notify.same-external-id-other-payload",
                 })
        {
            Assert.True(outcomes[forged] == "Failed", $"{forged} was {outcomes[forged]} against an endpoint that accepts everything");
        }

        // The lax endpoint's tokens last 900 s, and no queue was given: those checks say why they did not run.
        Assert.Equal("Skipped", outcomes["notify.token-expired"]);
        Assert.All(outcomes.Where(check => check.Key.StartsWith("queue.", StringComparison.Ordinal)), check => Assert.Equal("Skipped", check.Value));
        Assert.Contains("Snap__TokenLifetime", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"token\.wrong-signature\s+FAIL\s+400 4007302\s+200 2007300", result.StandardOutput);
    }

    [Fact]
    public async Task Notify_signs_over_the_path_below_the_base_url_and_prints_token_and_signature_shortened()
    {
        using var credentials = await DevCredentials.CreateAsync();
        await using var endpoint = await RecordingEndpoint.StartAsync("/merchant-gateway");

        var result = await SimulatorCli.RunAsync(credentials.Root, TimeSpan.FromMinutes(1),
            "notify", "--base-url", endpoint.BaseUrl.ToString(), "--status", "03", "--external-id", "202501010000001",
            "--channel", "77001", "--body-style", "pretty", "--signature-encoding", "hex");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, endpoint.Requests.Count);
        var (tokenRequest, notification) = (endpoint.Requests[0], endpoint.Requests[1]);

        Assert.Equal("/merchant-gateway/api/v1.0/access-token/b2b", tokenRequest.Path);
        using (var publicKey = RSA.Create())
        {
            publicKey.ImportFromPem(File.ReadAllText(Path.Combine(credentials.PrimaryDirectory, "public.pem")));
            Assert.True(AsymmetricSignature.Verify(
                [publicKey], tokenRequest.Header("X-CLIENT-KEY"), tokenRequest.Header("X-TIMESTAMP"), Convert.FromBase64String(tokenRequest.Header("X-SIGNATURE"))));
        }

        Assert.Equal("/merchant-gateway/api/v1.0/debit/notify", notification.Path);
        Assert.Equal("dev-qoinhub", notification.Header("X-PARTNER-ID"));
        Assert.Equal("202501010000001", notification.Header("X-EXTERNAL-ID"));
        Assert.Equal("77001", notification.Header("CHANNEL-ID"));
        var body = Encoding.UTF8.GetString(notification.Body);
        Assert.Contains('\n', body);
        Assert.Contains("\"latestTransactionStatus\": \"03\"", body, StringComparison.Ordinal);
        var signature = notification.Header("X-SIGNATURE");
        Assert.Matches("^[0-9a-f]{128}$", signature);
        var token = notification.Header("Authorization")["Bearer ".Length..];
        Assert.Equal(endpoint.IssuedTokens.Single(), token);
        Assert.True(SnapJsonBody.TryParse(notification.Body, out var parsed));
        using var _ = parsed;
        var match = NotificationSignatureVerifier.Verify(
            Convert.FromHexString(signature),
            [File.ReadAllText(Path.Combine(credentials.PrimaryDirectory, "client-secret.txt")).Trim()],
            "POST",
            [notification.Path],
            token,
            parsed,
            notification.Header("X-TIMESTAMP"));
        Assert.NotNull(match);
        Assert.Equal(BodyForm.Minified, match.BodyForm);

        Assert.DoesNotContain(token, result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(token[..6] + "…", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(signature[..6] + "…", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("HTTP 200", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_keys_writes_matching_key_pairs_and_prints_the_settings_that_use_them()
    {
        using var credentials = await DevCredentials.CreateAsync();

        foreach (var (index, directory) in new[] { (0, credentials.PrimaryDirectory), (1, credentials.SecondaryDirectory) })
        {
            var publicKeyPath = Path.Combine(directory, "public.pem");
            var secret = File.ReadAllText(Path.Combine(directory, "client-secret.txt")).Trim();
            Assert.Equal(Path.GetFileName(directory), credentials.AppSettings[$"Partners__{index}__ClientId"]);
            Assert.Equal(publicKeyPath, credentials.AppSettings[$"Partners__{index}__PublicKeys__0"]);
            Assert.Equal(secret, credentials.AppSettings[$"Partners__{index}__ClientSecrets__0"]);
            Assert.Matches("^[A-Za-z0-9_-]{43,}$", secret);

            using var privateKey = RSA.Create();
            privateKey.ImportFromPem(File.ReadAllText(Path.Combine(directory, "private.pem")));
            using var publicKey = RSA.Create();
            publicKey.ImportFromPem(File.ReadAllText(publicKeyPath));
            Assert.True(privateKey.KeySize >= 2048);
            var data = "dev-qoinhub|2025-07-06T14:12:50+07:00"u8.ToArray();
            var signature = privateKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            Assert.True(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "private.pem")));
            }
        }

        Assert.NotEqual(credentials.AppSettings["Partners__0__ClientSecrets__0"], credentials.AppSettings["Partners__1__ClientSecrets__0"]);
    }

    [Fact]
    public async Task Dev_keys_refuses_to_replace_existing_keys_unless_forced()
    {
        using var credentials = await DevCredentials.CreateAsync();
        var privateKeyPath = Path.Combine(credentials.PrimaryDirectory, "private.pem");
        var original = File.ReadAllBytes(privateKeyPath);

        var refused = await SimulatorCli.RunAsync(credentials.Root, TimeSpan.FromMinutes(1), "dev-keys");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--force", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(privateKeyPath));

        var forced = await SimulatorCli.RunAsync(credentials.Root, TimeSpan.FromMinutes(1), "dev-keys", "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(original, File.ReadAllBytes(privateKeyPath));
    }
}
