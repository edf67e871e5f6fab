namespace QoinHub.OrderConsumer;

/// <summary>
/// Where the consumer reads from and how (configuration section <c>OrderConsumer</c>, so
/// <c>OrderConsumer__QueueName</c> and so on in the environment). Set either
/// <see cref="FullyQualifiedNamespace"/> (Azure: <c>DefaultAzureCredential</c>, i.e. managed identity
/// in Azure and <c>az login</c> on a workstation) or <see cref="ConnectionString"/> (a SAS connection
/// string, the Service Bus emulator or a test broker).
/// </summary>
public sealed class OrderConsumerOptions
{
    public const string SectionName = "OrderConsumer";

    /// <summary>e.g. <c>contoso.servicebus.windows.net</c>. Used with <c>DefaultAzureCredential</c> when <see cref="ConnectionString"/> is empty.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>For a managed identity that is user-assigned: its client id. Empty for the system-assigned one or a developer's login.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>A Service Bus connection string (SAS key, or <c>UseDevelopmentEmulator=true</c>). Wins over <see cref="FullyQualifiedNamespace"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The queue the merchant callbacks app publishes to (its <c>ServiceBus__QueueName</c>).</summary>
    public string QueueName { get; set; } = string.Empty;

    /// <summary>Messages processed at once. The store serialises changes of one transaction, so any value is safe.</summary>
    public int MaxConcurrentCalls { get; set; } = 4;

    /// <summary>Messages fetched ahead of processing. 0 (the default) keeps locks from ticking on messages nobody is working on yet.</summary>
    public int PrefetchCount { get; set; }

    /// <summary>
    /// How long the processor keeps renewing a message's lock while the handler works on it. Zero turns
    /// renewal off; then a handler must finish within the queue's lock duration (30 s by default).
    /// </summary>
    public TimeSpan MaxAutoLockRenewalDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After a transient failure the message is held this long before it is abandoned, so that the
    /// redeliveries (up to the queue's max delivery count) are spread out a little instead of being
    /// used up at once. Keep it well below the queue's lock duration. Zero abandons at once.
    /// </summary>
    public TimeSpan TransientFailureDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <exception cref="InvalidOperationException">Names the setting to fix; never contains the connection string.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(QueueName))
        {
            throw new InvalidOperationException($"{SectionName}:QueueName is required: the queue the payment notifications are published to.");
        }

        if (string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            throw new InvalidOperationException(
                $"Set {SectionName}:FullyQualifiedNamespace (Azure, DefaultAzureCredential) or {SectionName}:ConnectionString (local runs, tests).");
        }

        if (MaxConcurrentCalls < 1)
        {
            throw new InvalidOperationException($"{SectionName}:MaxConcurrentCalls must be 1 or more.");
        }

        if (PrefetchCount < 0)
        {
            throw new InvalidOperationException($"{SectionName}:PrefetchCount must be 0 or more.");
        }

        if (MaxAutoLockRenewalDuration < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}:MaxAutoLockRenewalDuration must not be negative.");
        }

        if (TransientFailureDelay < TimeSpan.Zero || TransientFailureDelay > TimeSpan.FromSeconds(20))
        {
            throw new InvalidOperationException($"{SectionName}:TransientFailureDelay must be between 0 and 20 seconds (below the lock duration).");
        }
    }
}
