using System.Globalization;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Retention;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// Retention deletes exactly what is no longer needed, with the default settings (tokens a day
/// after expiry, published notifications after 30 days): never an unpublished record or its
/// pending marker, and nothing a retry or replay within the window still needs. The rows are
/// made the way the app makes them, by requests at the moments they name.
/// </summary>
public sealed class RetentionTests : IAsyncLifetime, IDisposable
{
    private static readonly string Partner = Fixtures.Vectors.ClientId;
    private static readonly string Secret = Fixtures.Vectors.ClientSecret;
    private static readonly DateTimeOffset Now = SnapAppFactory.VectorTime;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private readonly ProxiedStorageAppFactory _app = new();
    private SnapClient _client = null!;

    /// <summary>Published 40 days ago: its record and its external-id row go.</summary>
    private Seeded _oldPublished = null!;

    /// <summary>Never published (the queue was down, QoinHub never retried), 40 days ago: the record and its marker stay, its day's external-id row goes.</summary>
    private Seeded _oldPending = null!;

    /// <summary>Published 29 days ago: everything stays.</summary>
    private Seeded _recentPublished = null!;

    public async Task InitializeAsync()
    {
        _client = new SnapClient(_app.CreateClient(), _app.Clock);

        _app.Clock.SetUtcNow(Now.AddDays(-40));
        var token = await _client.GetTokenAsync(_key, Partner);
        _oldPublished = await NotifyAsync(token, "740001", "T-ret-old-published", "2005600");
        _app.Queues.IsUp = false;
        _oldPending = await NotifyAsync(token, "740002", "T-ret-old-pending", "5005600");
        _app.Queues.IsUp = true;

        _app.Clock.SetUtcNow(Now.AddDays(-29));
        _recentPublished = await NotifyAsync(await _client.GetTokenAsync(_key, Partner), "740003", "T-ret-recent-published", "2005600");

        // Expired 45 minutes ago (kept for a day after expiry), and one still valid.
        _app.Clock.SetUtcNow(Now.AddHours(-1));
        await _client.GetTokenAsync(_key, Partner);
        _app.Clock.SetUtcNow(Now.AddMinutes(-5));
        await _client.GetTokenAsync(_key, Partner);

        _app.Clock.SetUtcNow(Now);
        Assert.Equal(2, (await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, _app.QueueName)).Count);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Preview_counts_without_deleting_then_the_run_deletes_exactly_expired_tokens_and_old_published_notifications()
    {
        var retention = _app.Services.GetRequiredService<RetentionJob>();
        string[] allRows =
        [
            .. _oldPublished.Rows(pending: false), .. _oldPending.Rows(pending: true), .. _recentPublished.Rows(pending: false),
        ];
        Assert.Equal(allRows.Order(StringComparer.Ordinal), await _app.Ledger.KeysAsync());
        DateTimeOffset[] allTokens = [Now.AddDays(-40), Now.AddDays(-29), Now.AddHours(-1), Now.AddMinutes(-5)];
        Assert.Equal(allTokens, await TokensIssuedAtAsync());

        var preview = await retention.RunOnceAsync(preview: true, CancellationToken.None);
        // Token-table rows: each expired token with its request's grant and its minute's count (2 × 3).
        Assert.Equal((true, 6, 1, 2, true), (preview.Preview, preview.Tokens, preview.Records, preview.ExternalIds, preview.Complete));
        Assert.Equal(allRows.Order(StringComparer.Ordinal), await _app.Ledger.KeysAsync());
        Assert.Equal(allTokens, await TokensIssuedAtAsync());

        var run = await retention.RunOnceAsync(preview: false, CancellationToken.None);
        Assert.Equal((false, 6, 1, 2, true), (run.Preview, run.Tokens, run.Records, run.ExternalIds, run.Complete));
        Assert.Equal((Now.AddDays(-1), Now.AddDays(-30)), (run.TokensExpiredBefore, run.NotificationsReceivedBefore));
        string[] kept =
        [
            _oldPending.RecordKey, _oldPending.PendingKey, .. _recentPublished.Rows(pending: false),
        ];
        Assert.Equal(kept.Order(StringComparer.Ordinal), await _app.Ledger.KeysAsync());
        Assert.Equal([Now.AddHours(-1), Now.AddMinutes(-5)], await TokensIssuedAtAsync());
        Assert.Equal(6, await TokenTableRowsAsync());
        Assert.Equal("Received", await _app.Ledger.StateAsync(_oldPending.MessageId));

        var after = await retention.RunOnceAsync(preview: true, CancellationToken.None);
        Assert.Equal((0, 0, 0), (after.Tokens, after.Records, after.ExternalIds));
    }

    [Fact]
    public async Task Unpublished_record_kept_by_retention_is_still_published_by_the_relay()
    {
        await _app.Services.GetRequiredService<RetentionJob>().RunOnceAsync(preview: false, CancellationToken.None);

        var relay = await _app.Services.GetRequiredService<OutboxRelay>().RunOnceAsync(CancellationToken.None);

        Assert.Equal((1, 1), (relay.Pending, relay.Published));
        var message = Assert.Single(await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, _app.QueueName));
        Assert.Equal(_oldPending.MessageId, message.GetProperty("messageId").GetString());
    }

    [Theory]
    [InlineData("1.23:59:59")]
    [InlineData("00:00:00")]
    public async Task Run_with_Retention_Notifications_under_two_days_is_refused_naming_the_setting_and_deletes_nothing(string notifications)
    {
        using var options = new ServiceCollection()
            .AddOptions<RetentionOptions>().Configure(o => o.Notifications = TimeSpan.Parse(notifications, CultureInfo.InvariantCulture)).Services
            .BuildServiceProvider();
        var retention = new RetentionJob(
            _app.Services.GetRequiredService<ITokenStore>(),
            _app.Services.GetRequiredService<INotificationLedger>(),
            options.GetRequiredService<IOptionsMonitor<RetentionOptions>>(),
            _app.Clock,
            NullLogger<RetentionJob>.Instance);
        var before = await _app.Ledger.KeysAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => retention.RunOnceAsync(preview: false, CancellationToken.None));

        Assert.Contains("Retention:Notifications", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _app.Ledger.KeysAsync());
        Assert.Equal(4, (await TokensIssuedAtAsync()).Count);
    }

    private async Task<Seeded> NotifyAsync(string token, string externalId, string originalReferenceNo, string expectedCode)
    {
        using var request = _client.NotifyRequest(token, Secret, Partner, externalId, SnapClient.NotificationBody(originalReferenceNo));
        using var response = await _client.Http.SendAsync(request);
        Assert.Equal(expectedCode, (await SnapClient.ReadAsync(response)).Code);
        return new Seeded(
            NotificationEnvelope.MessageIdFor(Partner, originalReferenceNo, "00"),
            NotificationKey.For(Partner, _app.Clock.GetUtcNow(), externalId).JakartaDay,
            externalId);
    }

    /// <summary>When each token of the token table was issued, in order.</summary>
    private async Task<List<DateTimeOffset>> TokensIssuedAtAsync()
    {
        var tokens = new TableClient(ProxiedStorageAppFactory.DirectConnectionString, _app.TokenTable);
        var issued = new List<DateTimeOffset>();
        await foreach (var row in tokens.QueryAsync<TableEntity>(row => row.RowKey == "token", select: ["IssuedAt"]))
        {
            issued.Add(row.GetDateTimeOffset("IssuedAt")!.Value);
        }

        issued.Sort();
        return issued;
    }

    private async Task<int> TokenTableRowsAsync()
    {
        var rows = 0;
        await foreach (var _ in new TableClient(ProxiedStorageAppFactory.DirectConnectionString, _app.TokenTable).QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            rows++;
        }

        return rows;
    }

    /// <summary>One notification the setup sent, and the keys of the ledger rows it made.</summary>
    private sealed record Seeded(string MessageId, DateOnly JakartaDay, string ExternalId)
    {
        public string RecordKey => LedgerKeys.RecordPartition(MessageId) + "/" + LedgerKeys.RecordRow(MessageId);

        public string PendingKey => LedgerKeys.RecordPartition(MessageId) + "/" + LedgerKeys.PendingRow(MessageId);

        public string ExternalIdKey => LedgerKeys.ExternalIdPartition(JakartaDay, Partner, ExternalId) + "/" + LedgerKeys.ExternalIdRow(Partner, ExternalId);

        public IEnumerable<string> Rows(bool pending) => pending ? [RecordKey, PendingKey, ExternalIdKey] : [RecordKey, ExternalIdKey];
    }
}
