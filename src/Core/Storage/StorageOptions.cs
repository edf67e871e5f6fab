namespace QoinHub.Merchant.Storage;

/// <summary>The storage account for issued tokens, notification dedupe and the local queue (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Service key of the <see cref="TableHandle"/> for issued tokens.</summary>
    public const string TokenTableKey = "tokens";

    /// <summary>Service key of the <see cref="TableHandle"/> for notification dedupe records.</summary>
    public const string NotificationTableKey = "notifications";

    /// <summary>A connection string; the default is the local emulator (Azurite).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table service URI for managed identity (<c>https://{account}.table.core.windows.net</c>); wins over the connection string.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Queue service URI for managed identity (<c>https://{account}.queue.core.windows.net</c>).</summary>
    public Uri? QueueServiceUri { get; set; }

    public string TokenTable { get; set; } = "snaptokens";

    public string NotificationTable { get; set; } = "snapnotifications";

    public string EffectiveConnectionString => string.IsNullOrWhiteSpace(ConnectionString) ? "UseDevelopmentStorage=true" : ConnectionString;
}
