namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// The storage account for issued tokens, the notification ledger and the local queue (section
/// <c>Storage</c>). One rule for tables and the queue alike: a service URI, when set, is used with
/// the app's managed identity; otherwise the connection string; with neither, the local emulator.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>A connection string; used for a service whose URI is not set. The default is the local emulator (Azurite).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table service URI for managed identity (<c>https://{account}.table.core.windows.net</c>).</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Queue service URI for managed identity (<c>https://{account}.queue.core.windows.net</c>).</summary>
    public Uri? QueueServiceUri { get; set; }

    public string TokenTable { get; set; } = "snaptokens";

    public string NotificationTable { get; set; } = "snapnotifications";

    public StorageEndpoint Tables => StorageEndpoint.Choose(TableServiceUri, ConnectionString, "Storage:TableServiceUri");

    public StorageEndpoint Queues => StorageEndpoint.Choose(QueueServiceUri, ConnectionString, "Storage:QueueServiceUri");
}

/// <summary>Where one storage service is reached: a service URI with the managed identity, or a connection string.</summary>
public sealed record StorageEndpoint(Uri? ServiceUri, string? ConnectionString)
{
    internal static StorageEndpoint Choose(Uri? serviceUri, string? connectionString, string uriSetting)
    {
        if (serviceUri is not null)
        {
            return serviceUri.IsAbsoluteUri
                ? new StorageEndpoint(serviceUri, null)
                : throw new InvalidOperationException($"{uriSetting} is not an absolute URI (https://{{account}}.{{table|queue}}.core.windows.net/).");
        }

        return new StorageEndpoint(null, string.IsNullOrWhiteSpace(connectionString) ? StorageOptions.DevelopmentStorage : connectionString.Trim());
    }

    /// <summary>Never prints a connection string: it may hold an account key.</summary>
    public override string ToString() => ServiceUri?.ToString() ?? "connection string";
}
