using Microsoft.Extensions.Configuration;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>The test apps' outbox MAC key (<see cref="OutboxMacTestKey"/>), for tests that build a ledger by hand.</summary>
public static class TestOutboxMacKeys
{
    public static IEnumerable<KeyValuePair<string, string?>> Settings =>
        OutboxMacTestKey.Settings(":").Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value));

    public static IOutboxMacKeys Instance { get; } = new ConfigurationOutboxMacKeys(
        OutboxMacSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build(), keysInConfiguration: true));
}
