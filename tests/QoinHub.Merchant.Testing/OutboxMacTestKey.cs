using System.Text;

namespace QoinHub.Merchant.Testing;

/// <summary>
/// The outbox MAC key every test app is configured with (<c>Outbox:MacKeyId</c>,
/// <c>Outbox:MacKeys:{id}</c>): a fixed test value, 32 bytes, so that a ledger written by one part
/// of a test verifies in another.
/// </summary>
public static class OutboxMacTestKey
{
    public const string KeyId = "test";

    public static string Key { get; } = Convert.ToBase64String(Encoding.ASCII.GetBytes("qoinhub-tests-outbox-mac-key-32b"));

    /// <summary>The two settings, with <paramref name="separator"/> between sections (<c>:</c> in configuration, <c>__</c> in the environment).</summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings(string separator) =>
    [
        new($"Outbox{separator}MacKeyId", KeyId),
        new($"Outbox{separator}MacKeys{separator}{KeyId}", Key),
    ];
}
