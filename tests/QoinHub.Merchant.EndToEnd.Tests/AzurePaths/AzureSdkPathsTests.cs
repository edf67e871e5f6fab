using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using QoinHub.Merchant.EndToEnd.Tests.Chaos;
using QoinHub.Merchant.EndToEnd.Tests.Durability;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.EndToEnd.Tests.AzurePaths;

/// <summary>
/// Every way the app uses the Azure SDKs, in the published (ReadyToRun)
/// worker under the project's Functions host: fresh storage each time (tables and queue created by
/// the app), storage deleted under the running app, the timer functions invoked through the host,
/// and a Service Bus queue over AMQP (Azure.Messaging.ServiceBus) on the loopback stand-in.
/// </summary>
public sealed class AzureSdkPathsTests
{
    [Fact]
    public async Task Tables_and_queue_are_created_written_read_queried_and_recreated_after_deletion()
    {
        using var credentials = await DevCredentials.CreateAsync();
        var azurite = AzuriteServer.Instance.ConnectionString;
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var tokenTable = "sdktokens" + suffix;
        var ledger = new LedgerRows("sdkledger" + suffix);
        var queue = LocalQueue.CreateUnique();
        var settings = new Dictionary<string, string>(credentials.AppSettings, StringComparer.Ordinal)
        {
            ["Storage__ConnectionString"] = azurite,
            ["Storage__TokenTable"] = tokenTable,
            ["Storage__NotificationTable"] = ledger.TableName,
            ["LocalQueue__Name"] = queue.Name,

            // Short-lived tokens, removed by retention as soon as they expire; the jobs run only when called.
            ["Snap__TokenLifetime"] = "00:00:03",
            ["Snap__TimestampTolerance"] = "00:00:10",
            ["Retention__TokensAfterExpiry"] = "00:00:00",
        };
        var tables = new TableServiceClient(azurite);
        Assert.DoesNotContain(tables.Query(table => table.Name == tokenTable || table.Name == ledger.TableName), _ => true);

        using var app = await MerchantApp.StartAsync(settings, timers: false);
        using var caller = new SignedCaller(credentials, app.BaseUrl);

        // Token table created and written (add), then read back by the notification (point read);
        // ledger created, external id added, record and marker in one transaction, queue created, sent to,
        // record marked published with its marker deleted in another transaction.
        Assert.Equal(200, await caller.NotifyAsync(await caller.GetTokenAsync(), "2025070600000101", SignedCaller.NotificationBody("T-sdk-1"), CancellationToken.None));
        var first = NotificationEnvelope.MessageIdFor(caller.ClientId, "T-sdk-1", "00");
        Assert.Equal(("Published", false), (await ledger.StateAsync(first), await ledger.HasPendingMarkerAsync(first)));

        // The same notification again: found in the ledger (point reads), answered, not published again.
        Assert.Equal(200, await caller.NotifyAsync(await caller.GetTokenAsync(), "2025070600000101", SignedCaller.NotificationBody("T-sdk-1"), CancellationToken.None));
        Assert.Equal([first], (await queue.DrainAsync()).Select(MessageIdOf));

        // The queue and the ledger table deleted under the running app: both are created again on the next notification.
        await new QueueClient(azurite, queue.Name).DeleteAsync();
        await tables.DeleteTableAsync(ledger.TableName);
        Assert.Equal(200, await caller.NotifyAsync(await caller.GetTokenAsync(), "2025070600000102", SignedCaller.NotificationBody("T-sdk-2"), CancellationToken.None));
        var second = NotificationEnvelope.MessageIdFor(caller.ClientId, "T-sdk-2", "00");
        Assert.Equal("Published", await ledger.StateAsync(second));
        Assert.Equal([second], (await queue.DrainAsync()).Select(MessageIdOf));

        // The timer functions as the Functions host invokes them: the relay queries the markers of every
        // partition; retention queries and deletes every token-table row (tokens, grants of token requests,
        // per-minute counts) whose ExpiresAt has passed, and nothing else.
        var relay = await app.InvokeAsync("OutboxRelay");
        Assert.Contains("relay: 0 pending past the relay age, 0 published, 0 failed", relay, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var tokenRows = new TableClient(azurite, tokenTable);
        var cut = DateTimeOffset.UtcNow;
        var expired = (await tokenRows.QueryAsync<TableEntity>().ToListAsync()).Count(row => row.GetDateTimeOffset("ExpiresAt") < cut);
        var retention = await app.InvokeAsync("Retention");
        Assert.True(expired > 0, "no token row had expired");
        Assert.Contains($"retention: deleted {expired} token rows, 0 notification records, 0 external-id rows", retention, StringComparison.Ordinal);
        Assert.All(await tokenRows.QueryAsync<TableEntity>().ToListAsync(), row => Assert.True(row.GetDateTimeOffset("ExpiresAt") >= cut, $"{row.RowKey} expired and was kept"));

        Assert.DoesNotContain("fail:", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notifications_reach_a_service_bus_queue_over_amqp_once_each()
    {
        const string QueueName = "payment-notifications";
        using var credentials = await DevCredentials.CreateAsync();
        await using var broker = ServiceBusStandIn.Start(null, QueueName);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var ledger = new LedgerRows("sbledger" + suffix);
        var settings = new Dictionary<string, string>(credentials.AppSettings, StringComparer.Ordinal)
        {
            ["Storage__ConnectionString"] = AzuriteServer.Instance.ConnectionString,
            ["Storage__TokenTable"] = "sbtokens" + suffix,
            ["Storage__NotificationTable"] = ledger.TableName,
            ["ServiceBus__ConnectionString"] = broker.ConnectionString,
            ["ServiceBus__QueueName"] = QueueName,
        };

        using var app = await MerchantApp.StartAsync(settings);
        using var caller = new SignedCaller(credentials, app.BaseUrl);
        var token = await caller.GetTokenAsync();
        Assert.Equal(200, await caller.NotifyAsync(token, "2025070600000201", SignedCaller.NotificationBody("T-sb-1"), CancellationToken.None));
        Assert.Equal(200, await caller.NotifyAsync(token, "2025070600000202", SignedCaller.NotificationBody("T-sb-2"), CancellationToken.None));
        Assert.Equal(200, await caller.NotifyAsync(token, "2025070600000201", SignedCaller.NotificationBody("T-sb-1"), CancellationToken.None));

        List<string> expected = [NotificationEnvelope.MessageIdFor(caller.ClientId, "T-sb-1", "00"), NotificationEnvelope.MessageIdFor(caller.ClientId, "T-sb-2", "00")];
        var queue = broker.Queue(QueueName);
        Assert.Equal(expected, queue.Active.Select(message => message.MessageId));
        Assert.Equal(2, broker.Sends.Count);
        Assert.Equal(0, broker.UnauthorizedAttaches);
        Assert.All(broker.TokenRequests, request => Assert.Equal(200, request.StatusCode));
        foreach (var message in queue.Active)
        {
            using var envelope = JsonDocument.Parse(message.Body);
            Assert.Equal(message.MessageId, envelope.RootElement.GetProperty("messageId").GetString());
            Assert.Equal("Published", await ledger.StateAsync(message.MessageId!));
        }

        Assert.DoesNotContain("fail:", app.Output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> HostileHeaders => new()
    {
        { "CHANNEL-ID", "95221\"EVIL" },
        { "X-PARTNER-ID", "Qoin\u001b[31mSnap" },
        { "X-PARTNER-ID", new string('P', 5000) },
        { "X-EXTERNAL-ID", "12a" },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public async Task Header_outside_its_alphabet_or_length_is_refused_and_never_echoed_or_logged(string header, string value)
    {
        using var run = await LocalRun.StartAsync();
        using var http = new HttpClient { BaseAddress = run.App.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, SignedCaller.NotifyPath)
        {
            Content = new StringContent(SignedCaller.NotificationBody("T-hostile"), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('t', 43));
        request.Headers.TryAddWithoutValidation("X-TIMESTAMP", DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("X-SIGNATURE", Convert.ToBase64String(new byte[64]));
        request.Headers.TryAddWithoutValidation("X-PARTNER-ID", "dev-qoinhub");
        request.Headers.TryAddWithoutValidation("X-EXTERNAL-ID", "2025070600000301");
        request.Headers.TryAddWithoutValidation("CHANNEL-ID", "95221");
        request.Headers.Remove(header);
        Assert.True(request.Headers.TryAddWithoutValidation(header, value));

        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        using var answer = JsonDocument.Parse(raw);
        Assert.Equal("4005601", answer.RootElement.GetProperty("responseCode").GetString());
        Assert.Contains(header, answer.RootElement.GetProperty("responseMessage").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(value, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(value, run.App.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.App.Output);
        Assert.DoesNotContain("fail:", run.App.Output, StringComparison.Ordinal);
    }

    private static string MessageIdOf(JsonElement envelope) => envelope.GetProperty("messageId").GetString()!;
}
