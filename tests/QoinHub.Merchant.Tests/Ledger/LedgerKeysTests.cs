using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Outbox;

namespace QoinHub.Merchant.Tests.Ledger;

/// <summary>How ledger rows are keyed: spread over partitions, a day listable by one range, keys always legal.</summary>
public sealed class LedgerKeysTests
{
    [Fact]
    public void One_partners_records_spread_over_every_record_partition()
    {
        var partitions = Enumerable.Range(0, 2_000)
            .Select(i => NotificationEnvelope.MessageIdFor("QoinSnap", "T" + i.ToString(CultureInfo.InvariantCulture), "00"))
            .Select(LedgerKeys.RecordPartition)
            .GroupBy(p => p)
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(LedgerKeys.AllRecordPartitions().Order(StringComparer.Ordinal), partitions.Keys.Order(StringComparer.Ordinal));
        Assert.True(partitions.Values.Max() < 2_000 / LedgerKeys.RecordPartitions * 2, "one partition takes twice its share");
    }

    [Fact]
    public void One_partners_external_ids_spread_over_the_days_partitions_and_sort_inside_the_day_range()
    {
        var day = new DateOnly(2026, 11, 24);
        var partitions = Enumerable.Range(0, 1_000)
            .Select(i => LedgerKeys.ExternalIdPartition(day, "QoinSnap", "41807553358950" + i.ToString(CultureInfo.InvariantCulture)))
            .Distinct()
            .ToList();

        Assert.Equal(LedgerKeys.DayPartitions, partitions.Count);
        Assert.All(partitions, p =>
        {
            Assert.True(string.CompareOrdinal(p, LedgerKeys.DayPartitionPrefix(day)) >= 0);
            Assert.True(string.CompareOrdinal(p, LedgerKeys.DayPartitionEnd(day)) < 0);
        });
        Assert.True(string.CompareOrdinal(LedgerKeys.DayPartitionEnd(day.AddDays(-1)), LedgerKeys.DayPartitionPrefix(day)) <= 0);
        Assert.True(string.CompareOrdinal(LedgerKeys.DayPartitionEnd(day), LedgerKeys.DayPartitionPrefix(day.AddDays(1))) <= 0);
    }

    [Theory]
    [InlineData("QoinSnap", "123", "QoinSnap~123")]
    [InlineData("a/b#c?d\\e", "1", "a%2Fb%23c%3Fd%5Ce~1")]
    [InlineData("x~y", "1", "x%7Ey~1")]
    [InlineData("é\u0001", "9", "%C3%A9%01~9")]
    public void External_id_row_keys_hold_only_legal_characters_and_cannot_collide(string partner, string externalId, string expected)
    {
        Assert.Equal(expected, LedgerKeys.ExternalIdRow(partner, externalId));
    }

    [Fact]
    public void A_body_limit_the_ledger_cannot_hold_stops_start_up_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Snap:MaxBodyBytes"] = "2000000" }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddTableStorage(configuration));

        Assert.Contains("Snap:MaxBodyBytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("2000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_body_limit_fits_one_envelope_property()
    {
        Assert.True(new QoinHub.Merchant.Snap.SnapOptions().MaxBodyBytes + 4096 <= TableNotificationLedger.MaxPropertyBytes);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestOutboxMacKeys.Settings).Build();
        new ServiceCollection().AddTableStorage(configuration);
    }
}
