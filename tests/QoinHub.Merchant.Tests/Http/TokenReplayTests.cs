using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Telemetry;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Tests.Hosting;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// One signed Access Token B2B request is worth one token: resent (same client, X-TIMESTAMP and
/// signature, within the window) it gets the token already issued for it, never a second one,
/// on any instance and however many copies arrive at once. And a client gets at most
/// <c>Snap:MaxTokensPerMinute</c> new tokens a minute; beyond that it is answered 4297300.
/// </summary>
public sealed class TokenReplayTests : IClassFixture<TokenReplayTests.LimitedAppFactory>, IDisposable
{
    private const int Limit = 5;
    private readonly LimitedAppFactory _app;
    private readonly SnapClient _client;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private readonly TableClient _tokens;

    public TokenReplayTests(LimitedAppFactory app)
    {
        _app = app;
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
        _client = new SnapClient(app.CreateClient(), app.Clock);
        _tokens = new TableClient(app.StorageConnectionString, app.TokenTable);
    }

    private static string Partner => Fixtures.Vectors.ClientId;

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Same_signed_token_request_resent_30_times_gets_one_token_and_one_token_row()
    {
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime.AddHours(1));
        var timestamp = _client.Now();
        var rowsBefore = await TokenRowsAsync();
        var logsBefore = _app.Logs.GetSnapshot().Count;

        var tokens = new List<string>();
        for (var copy = 0; copy < 30; copy++)
        {
            // Within the timestamp window, as a replay would be.
            _app.Clock.Advance(TimeSpan.FromSeconds(5));
            var (status, code, body) = await SendAsync(timestamp);
            Assert.Equal((200, "2007300"), (status, code));
            tokens.Add(body.GetProperty("accessToken").GetString()!);
        }

        var token = Assert.Single(tokens.Distinct(StringComparer.Ordinal));
        Assert.Equal(rowsBefore + 1, await TokenRowsAsync());
        Assert.True((await _tokens.GetEntityIfExistsAsync<TableEntity>(AccessTokenGenerator.Hash(token), "token")).HasValue);
        Assert.Equal(29, _app.Logs.GetSnapshot().Skip(logsBefore).Count(log => log.Id.Id == LogEvents.TokenRequestRepeated));

        // What is kept to answer the copies holds neither the token nor the request's signature.
        using var signed = _client.TokenRequest(_key, Partner, timestamp);
        var signature = signed.Headers.GetValues(SnapHeaders.Signature).Single();
        await foreach (var row in _tokens.QueryAsync<TableEntity>())
        {
            foreach (var (_, value) in row)
            {
                var text = value switch
                {
                    string s => s,
                    byte[] bytes => System.Text.Encoding.Latin1.GetString(bytes) + Convert.ToBase64String(bytes),
                    _ => string.Empty,
                };
                Assert.DoesNotContain(token, text, StringComparison.Ordinal);
                Assert.DoesNotContain(signature[..40], text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Same_signed_token_request_sent_ten_times_at_once_gets_one_token_and_one_token_row()
    {
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime.AddHours(2));
        var timestamp = _client.Now();
        var rowsBefore = await TokenRowsAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => SendAsync(timestamp)));

        Assert.All(answers, answer => Assert.Equal((200, "2007300"), (answer.Status, answer.Code)));
        var token = Assert.Single(answers.Select(answer => answer.Body.GetProperty("accessToken").GetString()).Distinct(StringComparer.Ordinal));
        Assert.Equal(rowsBefore + 1, await TokenRowsAsync());
        Assert.True((await _tokens.GetEntityIfExistsAsync<TableEntity>(AccessTokenGenerator.Hash(token!), "token")).HasValue);
    }

    [Fact]
    public async Task Resent_token_request_gets_the_remaining_lifetime_of_its_token()
    {
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime.AddHours(3));
        var timestamp = _client.Now();
        var first = await SendAsync(timestamp);
        _app.Clock.Advance(TimeSpan.FromSeconds(100));

        var again = await SendAsync(timestamp);

        Assert.Equal(first.Body.GetProperty("accessToken").GetString(), again.Body.GetProperty("accessToken").GetString());
        Assert.Equal(("900", "800"), (first.Body.GetProperty("expiresIn").GetString(), again.Body.GetProperty("expiresIn").GetString()));
    }

    [Fact]
    public async Task Client_over_its_tokens_per_minute_is_answered_4297300_and_counted_while_a_resent_request_still_gets_its_token()
    {
        using var refusals = new MetricCollector<long>(null, MerchantTelemetry.Name, "qoinhub.snap.refusals");
        _app.Clock.SetUtcNow(new DateTimeOffset(2024, 8, 23, 4, 0, 0, TimeSpan.Zero));
        var first = _client.Now();
        var firstToken = (await SendAsync(first)).Body.GetProperty("accessToken").GetString();
        for (var issued = 1; issued < Limit; issued++)
        {
            _app.Clock.Advance(TimeSpan.FromSeconds(1));
            var (issuedStatus, issuedCode, _) = await SendAsync(_client.Now());
            Assert.Equal((200, "2007300"), (issuedStatus, issuedCode));
        }

        var rowsAtLimit = await TokenRowsAsync();
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        var (status, code, body) = await SendAsync(_client.Now());

        Assert.Equal((429, "4297300"), (status, code));
        Assert.StartsWith("Too Many Requests.", body.GetProperty("responseMessage").GetString(), StringComparison.Ordinal);
        Assert.False(body.TryGetProperty("accessToken", out _));
        Assert.Equal(rowsAtLimit, await TokenRowsAsync());
        Assert.Contains(
            refusals.GetMeasurementSnapshot(),
            measurement => measurement.Value == 1
                && Equals(measurement.Tags[MerchantTelemetry.Attributes.ServiceCode], "73")
                && Equals(measurement.Tags[MerchantTelemetry.Attributes.RefusalReason], "rate_limited"));

        // A request already answered is not a new token: it still gets its own.
        var resent = await SendAsync(first);
        Assert.Equal((200, firstToken), (resent.Status, resent.Body.GetProperty("accessToken").GetString()));

        // The next minute, tokens are issued again.
        _app.Clock.SetUtcNow(new DateTimeOffset(2024, 8, 23, 4, 1, 0, TimeSpan.Zero));
        var (nextStatus, nextCode, _) = await SendAsync(_client.Now());
        Assert.Equal((200, "2007300"), (nextStatus, nextCode));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("10001")]
    public void App_with_Snap_MaxTokensPerMinute_out_of_range_refuses_to_start_naming_the_setting(string value)
    {
        // The app's own composition and start-up check, as Program.cs runs them.
        using var host = AppComposition.Build(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = AzuriteServer.Instance.ConnectionString,
            ["LocalQueue:Name"] = "token-limit-settings",
            ["Partners:0:ClientId"] = Fixtures.Vectors.ClientId,
            ["Partners:0:PublicKeys:0"] = Fixtures.Vectors.PublicKeyPem,
            ["Partners:0:ClientSecrets:0"] = Fixtures.Vectors.ClientSecret,
            ["Snap:MaxTokensPerMinute"] = value,
            ["Outbox:MacKeyId"] = OutboxMacTestKey.KeyId,
            ["Outbox:MacKeys:" + OutboxMacTestKey.KeyId] = OutboxMacTestKey.Key,
        });

        var refused = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Snap:MaxTokensPerMinute must be", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("=" + value, refused.Message, StringComparison.Ordinal);
    }

    private async Task<(int Status, string Code, JsonElement Body)> SendAsync(string timestamp)
    {
        using var request = _client.TokenRequest(_key, Partner, timestamp);
        using var response = await _client.Http.SendAsync(request);
        var (status, code, _, body) = await SnapClient.ReadAsync(response);
        return (status, code, body);
    }

    private async Task<int> TokenRowsAsync()
    {
        var count = 0;
        await foreach (var _ in _tokens.QueryAsync<TableEntity>(row => row.RowKey == "token", select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }

    /// <summary>The app with a small per-client limit, so a test can reach it.</summary>
    public sealed class LimitedAppFactory : SnapAppFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Snap:MaxTokensPerMinute", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }
}
