using System.Text.RegularExpressions;

namespace QoinHub.Merchant.AzureAdapters.StorageQueues;

/// <summary>The storage service's rule for queue names, checked at startup rather than at the first message.</summary>
internal static partial class StorageQueueName
{
    public static bool IsValid(string name) => name.Length is >= 3 and <= 63 && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
