using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant;
using QoinHub.Merchant.AzureAdapters;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Retention;
using QoinHub.OperatorTool.Cli;
using QoinHub.OperatorTool.Output;

namespace QoinHub.OperatorTool.Operations;

/// <summary>
/// The app's own services, registered as the app registers them (<c>AddMerchantCallbacks</c>,
/// <c>AddTableStorage</c>, and for publishing <c>AddNotificationPublisher</c>) from the same
/// settings, so that the tool reads and writes exactly what the app does. No partner directory:
/// the tool needs no partner keys or secrets.
/// </summary>
public sealed class OperatorServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private OperatorServices(ServiceProvider provider, IConfiguration configuration)
    {
        _provider = provider;
        Configuration = configuration;
    }

    public IConfiguration Configuration { get; }

    /// <summary>The services themselves, for what has no property of its own (the publisher).</summary>
    public IServiceProvider Provider => _provider;

    public TimeProvider Clock => _provider.GetRequiredService<TimeProvider>();

    /// <summary>The ledger as the app registers it; its operator queries are on the table implementation.</summary>
    public TableNotificationLedger Ledger => (TableNotificationLedger)_provider.GetRequiredService<INotificationLedger>();

    public NotificationDelivery Delivery => _provider.GetRequiredService<NotificationDelivery>();

    public OutboxRelay Relay => _provider.GetRequiredService<OutboxRelay>();

    public RetentionJob Retention => _provider.GetRequiredService<RetentionJob>();

    public OutboxOptions Outbox => _provider.GetRequiredService<IOptionsMonitor<OutboxOptions>>().CurrentValue;

    public RetentionOptions RetentionSettings => _provider.GetRequiredService<IOptionsMonitor<RetentionOptions>>().CurrentValue;

    public string NotificationTable => _provider.GetRequiredService<IOptions<StorageOptions>>().Value.NotificationTable;

    /// <exception cref="UsageException">A setting is malformed; the message names it, never its value.</exception>
    public static OperatorServices Create(IConfiguration configuration, OperatorConsole console, bool withPublisher)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(console);
        var services = new ServiceCollection();
        services.AddSingleton(console.Clock);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(new TextWriterLoggerProvider(console.Error)));
        services.AddMerchantCallbacks(configuration);
        try
        {
            services.AddTableStorage(configuration);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException exception)
        {
            // The outbox MAC settings: the tool verifies records with the app's keys (and signs none).
            throw new UsageException(string.Join("; ", exception.Failures.Select(f => f.Replace(":", "__", StringComparison.Ordinal))) + ".", exception);
        }

        if (withPublisher)
        {
            try
            {
                services.AddNotificationPublisher(configuration);
            }
            catch (InvalidOperationException exception)
            {
                // The app's own message, which names the setting and never a secret value.
                throw new UsageException(exception.Message, exception);
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException)
            {
                throw new UsageException("The queue settings are not valid: " + SettingHints.Queue(configuration) + ".", exception);
            }
        }

        var provider = services.BuildServiceProvider();
        try
        {
            // The app's own checks of its Snap, Outbox and Retention settings, as at its start-up.
            provider.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException exception)
        {
            provider.Dispose();
            throw new UsageException(string.Join("; ", exception.Failures.Select(f => f.Replace(":", "__", StringComparison.Ordinal))) + ".", exception);
        }

        try
        {
            // Build the table client now, so that a malformed setting is a usage error here and not a
            // failure in the middle of a command. The SDK's message is not shown: it may quote the string.
            _ = provider.GetRequiredService<TableServiceClient>();
        }
        catch (InvalidOperationException exception) when (exception.Message.StartsWith("Storage:", StringComparison.Ordinal))
        {
            provider.Dispose();
            throw new UsageException(exception.Message.Replace("Storage:", "Storage__", StringComparison.Ordinal) + " (--table-service-uri)", exception);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
        {
            provider.Dispose();
            throw new UsageException("The storage connection string (--connection-string or Storage__ConnectionString) is not a valid connection string.", exception);
        }

        return new OperatorServices(provider, configuration);
    }

    /// <summary>
    /// True when the notification table exists. Checked first because the ledger, like the app,
    /// creates its table on first use, and a mistyped <c>--table</c> must not leave an empty table behind.
    /// An identity that may not list tables is given the benefit of the doubt.
    /// </summary>
    public async Task<bool> NotificationTableExistsAsync(CancellationToken cancellationToken)
    {
        var client = _provider.GetRequiredService<TableServiceClient>();
        var filter = TableClient.CreateQueryFilter($"TableName eq {NotificationTable}");
        try
        {
            await foreach (var _ in client.QueryAsync(filter, maxPerPage: 1, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            return false;
        }
        catch (RequestFailedException exception) when (exception.Status == 403 && exception.ErrorCode == "AuthorizationPermissionMismatch")
        {
            return true;
        }
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
