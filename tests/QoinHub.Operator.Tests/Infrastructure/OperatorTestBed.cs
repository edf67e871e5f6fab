using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QoinHub.Merchant;
using QoinHub.Merchant.AzureAdapters.StorageQueues;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Testing;
using QoinHub.OperatorTool.Cli;

namespace QoinHub.OperatorTool.Tests.Infrastructure;

/// <summary>
/// A fresh ledger table, token table and queue in the run's Azurite; records seeded through the
/// app's own ledger and delivery code (as a request would leave them: published, or recorded when
/// the queue refused); and the tool run in-process against them with the app's settings as
/// environment variables, on a clock the test owns.
/// </summary>
public sealed class OperatorTestBed : IDisposable
{
    /// <summary>"Now" for the tool: 2026-11-24 10:00 in Jakarta.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(7));

    public const string Partner = "dev-qoinhub";
    public const string OtherPartner = "dev-qoinhub-2";

    /// <summary>The outbox MAC key the app and the tool share in these tests (a test value, 32 bytes).</summary>
    public const string MacKeyId = "test1";

    public static readonly string MacKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("operator-tests-outbox-mac-key-32"));

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];
    private readonly ManualClock _seedClock = new(Now);
    private readonly ServiceProvider _app;

    public OperatorTestBed(IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        Environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Storage__ConnectionString"] = ConnectionString,
            ["Storage__NotificationTable"] = NotificationTable,
            ["Storage__TokenTable"] = TokenTable,
            ["LocalQueue__Name"] = QueueName,
            ["Outbox__MacKeyId"] = MacKeyId,
            ["Outbox__MacKeys__" + MacKeyId] = MacKey,
        };
        foreach (var (key, value) in settings ?? [])
        {
            Environment[key] = value;
        }

        // The app's registrations, as the tool makes them, for seeding.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Environment.Select(setting => new KeyValuePair<string, string?>(setting.Key.Replace("__", ":", StringComparison.Ordinal), setting.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_seedClock);
        services.AddLogging();
        services.AddMerchantCallbacks(configuration);
        services.AddTableStorage(configuration);
        _app = services.BuildServiceProvider();
    }

    public static string ConnectionString => AzuriteServer.Instance.ConnectionString;

    public string NotificationTable => "opnotifications" + _suffix;

    public string TokenTable => "optokens" + _suffix;

    public string QueueName => "op-notifications-" + _suffix;

    /// <summary>The tool's environment: the app's settings, <c>__</c>-separated.</summary>
    public Dictionary<string, string?> Environment { get; }

    /// <summary>The tool's clock.</summary>
    public ManualClock Clock { get; } = new(Now);

    public INotificationLedger Ledger => _app.GetRequiredService<INotificationLedger>();

    public TableNotificationLedger TableLedger => (TableNotificationLedger)Ledger;

    /// <summary>
    /// Records a notification the way <see cref="NotificationDelivery.DeliverAsync"/> does (external-id
    /// row, outbox record claimed, then the publish through <see cref="NotificationDelivery.PublishClaimedAsync"/>),
    /// received at <paramref name="receivedAt"/> (default: five minutes before now). When
    /// <paramref name="published"/> is false the queue refuses it, which leaves it recorded and unpublished.
    /// </summary>
    public async Task<Seeded> SeedAsync(
        string externalId, string reference, string status = "00", bool published = true, string partner = Partner, DateTimeOffset? receivedAt = null, string amount = "15000.00")
    {
        var at = receivedAt ?? Now.AddMinutes(-5);
        _seedClock.SetUtcNow(at);
        var timestamp = at.AddSeconds(-1);
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["createdTime"] = SnapTimestamp.Format(timestamp.AddMinutes(-1)),
            ["latestTransactionStatus"] = status,
            ["originalPartnerReferenceNo"] = "ORDER-" + reference,
            ["originalReferenceNo"] = reference,
            ["amount"] = new Dictionary<string, string> { ["value"] = amount, ["currency"] = "IDR" },
            ["transactionStatusDesc"] = "Success",
            ["additionalInfo"] = new Dictionary<string, string> { ["note"] = "seeded" },
        }));
        var message = NotificationEnvelope.Create(new NotificationEnvelopeInput(
            partner, externalId, "95221", SnapTimestamp.Format(timestamp), at, "ORDER-" + reference, reference, status, body));
        var key = NotificationKey.For(partner, timestamp, externalId);
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));

        Assert.Equal(ExternalIdUse.First, await Ledger.RecordExternalIdAsync(key, payloadHash, message.MessageId, at, CancellationToken.None));
        var claim = await Ledger.ClaimAsync(new OutboxRecord(message, payloadHash, key.JakartaDay, at), at, Lease, CancellationToken.None);
        Assert.Equal(LedgerOutcome.Claimed, claim.Outcome);
        Assert.Equal(published, await Delivery(published ? QueuePublisher() : new FailingPublisher()).PublishClaimedAsync(claim, CancellationToken.None));
        return new Seeded(message, key);
    }

    /// <summary>Runs the tool in-process, as <c>QoinHub.Operator</c> with <paramref name="args"/>.</summary>
    public async Task<ToolRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await OperatorCommandLine.InvokeAsync(args, new OperatorConsole(output, error, Clock, Environment));
        return new ToolRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Takes every message off the queue, as an order system would, and returns their texts.</summary>
    public async Task<List<string>> DrainQueueAsync()
    {
        var queue = new QueueClient(ConnectionString, QueueName, new QueueClientOptions(StorageQueuePublisher.PinnedServiceVersion) { MessageEncoding = QueueMessageEncoding.Base64 });
        var messages = new List<string>();
        if (!(await queue.ExistsAsync()).Value)
        {
            return messages;
        }

        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
            {
                return messages;
            }

            foreach (var message in batch)
            {
                messages.Add(message.Body.ToString());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    /// <summary>The ledger's table, for changing rows by hand as someone with a data role on it could.</summary>
    public TableClient NotificationTableClient() => new(ConnectionString, NotificationTable);

    /// <summary>Puts a text on the queue as another writer would (Base64, as the app writes).</summary>
    public async Task SendToQueueAsync(string text)
    {
        var queue = new QueueClient(ConnectionString, QueueName, new QueueClientOptions(StorageQueuePublisher.PinnedServiceVersion) { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(text);
    }

    public static string MessageIdOf(string envelope)
    {
        using var document = JsonDocument.Parse(envelope);
        return document.RootElement.GetProperty("messageId").GetString()!;
    }

    public static async Task<bool> TableExistsAsync(string name)
    {
        var service = new TableServiceClient(ConnectionString);
        await foreach (var _ in service.QueryAsync(TableClient.CreateQueryFilter($"TableName eq {name}")))
        {
            return true;
        }

        return false;
    }

    public void Dispose() => _app.Dispose();

    private StorageQueuePublisher QueuePublisher() =>
        new(new StorageQueuePublisherOptions { QueueName = QueueName, ConnectionString = ConnectionString }, null, NullLogger<StorageQueuePublisher>.Instance);

    private NotificationDelivery Delivery(INotificationPublisher publisher) =>
        new(Ledger, publisher, _app.GetRequiredService<IOptionsMonitor<OutboxOptions>>(), _seedClock, NullLogger<NotificationDelivery>.Instance);
}
