using Azure.Storage.Queues;
using QoinHub.Simulator.Conformance;

namespace QoinHub.Simulator.Queues;

/// <summary>Clients for the app's local Storage Queue, shared by <c>queue</c>, <c>notify</c> and the conformance queue checks.</summary>
public static class QueueClients
{
    /// <summary>
    /// A client that retries once: a queue that does not answer (Azurite not running, a wrong port)
    /// should fail the command quickly, not after a minute of backing off.
    /// </summary>
    public static QueueClient Create(QueueAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        var options = new QueueClientOptions();
        options.Retry.MaxRetries = 1;
        try
        {
            return new QueueClient(access.ConnectionString, access.QueueName, options);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            // The SDK's message may quote the connection string, which can hold an account key.
            throw new ArgumentException(
                "The queue connection string is not a Storage connection string (e.g. UseDevelopmentStorage=true, or " +
                "DefaultEndpointsProtocol=http;AccountName=...;AccountKey=...;QueueEndpoint=...), or the queue name is invalid " +
                "(3 to 63 lowercase letters, digits and dashes).",
                nameof(access));
        }
    }
}
