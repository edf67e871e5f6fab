using System.Security.Cryptography;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// Table Storage and the queue behind switchable loopback proxies: an outage of ours must be
/// answered 5xx (QoinHub retries), never 4xx and never a success that was not recorded.
/// </summary>
public sealed class DependencyFailureTests : IAsyncLifetime, IDisposable
{
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private TcpOutageProxy _tables = null!;
    private TcpOutageProxy _queues = null!;
    private ProxiedAppFactory _app = null!;
    private SnapClient _client = null!;

    public async Task InitializeAsync()
    {
        var azurite = AzuriteServer.Instance.ConnectionString;
        _tables = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "TableEndpoint"));
        _queues = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "QueueEndpoint"));
        var routed = TcpOutageProxy.Reroute(TcpOutageProxy.Reroute(azurite, "TableEndpoint", _tables.Port), "QueueEndpoint", _queues.Port);
        _app = new ProxiedAppFactory(routed);
        _client = new SnapClient(_app.CreateClient(), _app.Clock);
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _tables.DisposeAsync();
        await _queues.DisposeAsync();
    }

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Token_request_while_Table_Storage_is_down_gets_5007300_and_no_token()
    {
        _tables.IsUp = false;
        using var request = _client.TokenRequest(_key, Fixtures.Vectors.ClientId);
        using var response = await _client.Http.SendAsync(request);
        var (status, code, _, body) = await SnapClient.ReadAsync(response);

        Assert.Equal((500, "5007300"), (status, code));
        Assert.False(body.TryGetProperty("accessToken", out _));

        _tables.IsUp = true;
        Assert.NotEmpty(await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId));
    }

    [Fact]
    public async Task Table_Storage_unreachable_is_logged_naming_the_table_and_the_setting_to_check()
    {
        var token = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        _tables.IsUp = false;
        using (var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "900011", SnapClient.NotificationBody("T-tables-hint")))
        using (var response = await _client.Http.SendAsync(request))
        {
            Assert.Equal("5005600", (await SnapClient.ReadAsync(response)).Code);
        }

        var logged = _app.Logs.GetSnapshot().Where(log => log.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(log => log.Message).ToList();
        Assert.Contains(logged, message => message.Contains("Table Storage", StringComparison.Ordinal)
            && message.Contains("Storage__ConnectionString", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, message => message.Contains(AzuriteServer.AccountKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Notification_while_Table_Storage_is_down_gets_5005600_and_the_retry_completes()
    {
        var token = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        var body = SnapClient.NotificationBody("T-tables-down");
        _tables.IsUp = false;
        using (var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "900001", body))
        using (var response = await _client.Http.SendAsync(request))
        {
            Assert.Equal((500, "5005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        _tables.IsUp = true;
        using (var retry = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "900001", body))
        using (var response = await _client.Http.SendAsync(retry))
        {
            Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        }

        Assert.Single(await QueueReader.DrainAsync(AzuriteServer.Instance.ConnectionString, _app.QueueName));
    }

    [Fact]
    public async Task Notification_while_the_ledger_fails_after_the_token_was_cached_gets_5005600()
    {
        var token = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        using (var first = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "900010", SnapClient.NotificationBody("T-ledger-1")))
        using (var response = await _client.Http.SendAsync(first))
        {
            Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        }

        _tables.IsUp = false;
        using var second = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "900011", SnapClient.NotificationBody("T-ledger-2"));
        using var refused = await _client.Http.SendAsync(second);
        Assert.Equal((500, "5005600"), ((int)refused.StatusCode, (await SnapClient.ReadAsync(refused)).Code));
        Assert.Single(await QueueReader.DrainAsync(AzuriteServer.Instance.ConnectionString, _app.QueueName));
    }

    [Fact]
    public async Task Replay_after_a_failed_publish_completes_with_one_message()
    {
        var token = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        var body = SnapClient.NotificationBody("T-queue-down");
        _queues.IsUp = false;
        using (var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "900002", body))
        using (var response = await _client.Http.SendAsync(request))
        {
            Assert.Equal((500, "5005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        _queues.IsUp = true;
        Assert.Empty(await QueueReader.DrainAsync(AzuriteServer.Instance.ConnectionString, _app.QueueName));

        for (var retry = 0; retry < 2; retry++)
        {
            _app.Clock.Advance(TimeSpan.FromSeconds(30));
            using var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "900002", body);
            using var response = await _client.Http.SendAsync(request);
            Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        }

        var message = Assert.Single(await QueueReader.DrainAsync(AzuriteServer.Instance.ConnectionString, _app.QueueName));
        Assert.Equal("900002", message.GetProperty("externalId").GetString());
    }

    private sealed class ProxiedAppFactory(string connectionString) : SnapAppFactory
    {
        public override string StorageConnectionString => connectionString;
    }
}
