using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// Signed bodies that readers disagree on: a key sent twice (last wins here, first wins elsewhere)
/// and a value with a trailing newline. Each is refused naming the field, and nothing is recorded
/// (no token row, no ledger row) or published.
/// </summary>
public sealed class AmbiguousBodyTests : IClassFixture<SnapAppFactory>, IAsyncLifetime, IDisposable
{
    private static int s_externalId;
    private readonly SnapAppFactory _app;
    private readonly SnapClient _client;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private string _token = string.Empty;

    public AmbiguousBodyTests(SnapAppFactory app)
    {
        _app = app;
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
        _client = new SnapClient(app.CreateClient(), app.Clock);
    }

    public static TheoryData<string, string, string> AmbiguousNotifications { get; } = new()
    {
        {
            "status sent twice, first 03 then 00",
            SnapClient.NotificationBody("T-dup-1", "03").Replace("\"originalPartnerReferenceNo\"", "\"latestTransactionStatus\":\"00\",\"originalPartnerReferenceNo\"", StringComparison.Ordinal),
            "Invalid Field Format latestTransactionStatus. The key is sent more than once in its object"
        },
        {
            "nested key sent twice",
            SnapClient.NotificationBody("T-dup-2").Replace("\"additionalInfo\":{}", "\"additionalInfo\":{\"amount\":\"1.00\",\"amount\":\"99999999.00\"}", StringComparison.Ordinal),
            "Invalid Field Format additionalInfo.amount. The key is sent more than once in its object"
        },
        {
            "createdTime with a trailing newline",
            SnapClient.NotificationBody("T-newline").Replace("2024-08-23T07:44:11+07:00", "2024-08-23T07:44:11+07:00\\n", StringComparison.Ordinal),
            "Invalid Field Format createdTime."
        },
    };

    public async Task InitializeAsync()
    {
        _token = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _key.Dispose();

    [Theory]
    [MemberData(nameof(AmbiguousNotifications))]
    public async Task Signed_ambiguous_notification_is_refused_and_neither_recorded_nor_published(string name, string body, string message)
    {
        var ledgerRows = await CountRowsAsync(_app.NotificationTable);
        var externalId = "77" + Interlocked.Increment(ref s_externalId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = _client.NotifyRequest(_token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, externalId, body);

        using var response = await _client.Http.SendAsync(request);
        var answer = await SnapClient.ReadAsync(response);

        Assert.Equal((name, 400, "4005601"), (name, answer.Status, answer.Code));
        Assert.StartsWith(message, answer.Message, StringComparison.Ordinal);
        Assert.Empty(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal(ledgerRows, await CountRowsAsync(_app.NotificationTable));
    }

    [Fact]
    public async Task Signed_token_request_with_grantType_sent_twice_is_refused_and_no_token_recorded()
    {
        var tokenRows = await CountRowsAsync(_app.TokenTable);
        using var request = _client.TokenRequest(_key, Fixtures.Vectors.ClientId, body: """{"grantType":"password","grantType":"client_credentials"}""");

        using var response = await _client.Http.SendAsync(request);
        var answer = await SnapClient.ReadAsync(response);

        Assert.Equal((400, "4007301"), (answer.Status, answer.Code));
        Assert.Equal("Invalid Field Format grantType. The key is sent more than once in its object; send each key once.", answer.Message);
        Assert.False(answer.Body.TryGetProperty("accessToken", out _), "A token was issued.");
        Assert.Equal(tokenRows, await CountRowsAsync(_app.TokenTable));
    }

    private async Task<int> CountRowsAsync(string table)
    {
        try
        {
            return await new TableClient(_app.StorageConnectionString, table).QueryAsync<TableEntity>(select: ["PartitionKey"]).CountAsync();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return 0;
        }
    }
}
