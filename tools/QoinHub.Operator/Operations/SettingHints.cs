using Microsoft.Extensions.Configuration;

namespace QoinHub.OperatorTool.Operations;

/// <summary>
/// Which settings to check when storage or the queue fails, named as the operator set them
/// (option or environment variable). Never a value that may be secret: no connection string, no key.
/// </summary>
public static class SettingHints
{
    public static string Tables(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration["Storage:TableServiceUri"]))
        {
            return "check --table-service-uri or Storage__TableServiceUri, and that DefaultAzureCredential signs in " +
                "(az login, or AZURE_CLIENT_ID for a managed identity) as an identity with a Storage Table Data role";
        }

        return string.IsNullOrWhiteSpace(configuration["Storage:ConnectionString"])
            ? "no --connection-string, Storage__ConnectionString, --table-service-uri or Storage__TableServiceUri is set, so local Azurite (UseDevelopmentStorage=true) was used: is it running?"
            : "check --connection-string or Storage__ConnectionString, and that the account (or Azurite) is reachable";
    }

    public static string Queue(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var serviceBusQueue = configuration["ServiceBus:QueueName"];
        if (!string.IsNullOrWhiteSpace(configuration["ServiceBus:FullyQualifiedNamespace"]))
        {
            return $"the Service Bus queue ServiceBus__QueueName ('{serviceBusQueue}'): check ServiceBus__FullyQualifiedNamespace and that DefaultAzureCredential " +
                "signs in as an identity with Azure Service Bus Data Sender";
        }

        if (!string.IsNullOrWhiteSpace(configuration["ServiceBus:ConnectionString"]))
        {
            return $"the Service Bus queue ServiceBus__QueueName ('{serviceBusQueue}'): check ServiceBus__ConnectionString";
        }

        var queue = string.IsNullOrWhiteSpace(configuration["LocalQueue:Name"]) ? "payment-notifications" : configuration["LocalQueue:Name"]!.Trim();
        var account = !string.IsNullOrWhiteSpace(configuration["Storage:QueueServiceUri"])
            ? "Storage__QueueServiceUri (with DefaultAzureCredential)"
            : "--connection-string or Storage__ConnectionString";
        return $"the storage queue LocalQueue__Name ('{queue}'): check {account}, or set ServiceBus__* to publish where the app does";
    }

    /// <summary>Where a publish goes, for messages: the queue's kind and name (not secret), never its account's credentials.</summary>
    public static string PublishTarget(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration["ServiceBus:FullyQualifiedNamespace"]) || !string.IsNullOrWhiteSpace(configuration["ServiceBus:ConnectionString"]))
        {
            return $"the Service Bus queue '{configuration["ServiceBus:QueueName"]}'";
        }

        var queue = string.IsNullOrWhiteSpace(configuration["LocalQueue:Name"]) ? "payment-notifications" : configuration["LocalQueue:Name"]!.Trim();
        return $"the storage queue '{queue}'";
    }
}
