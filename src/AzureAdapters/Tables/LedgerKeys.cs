using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// How the ledger's rows are keyed in one table, spread so that no partition takes a whole
/// partner's load, while a day can still be listed with one partition-range query:
/// <list type="bullet">
/// <item><b>record</b> (the outbox record of one payment fact): partition <c>n00</c>…<c>n31</c> by the
/// message id's first byte, row <c>m_{messageId}</c>;</item>
/// <item><b>pending marker</b> (the record is not known to be published): same partition, row
/// <c>p_{messageId}</c>, written and removed in one transaction with the record;</item>
/// <item><b>external id</b> (the per-day <c>X-EXTERNAL-ID</c> rule, and the day's listing):
/// partition <c>x{yyyyMMdd}-00</c>…<c>-15</c> by a hash of partner and external id, row
/// <c>{partner}~{externalId}</c> (both percent-escaped).</item>
/// </list>
/// </summary>
public static class LedgerKeys
{
    public const int RecordPartitions = 32;
    public const int DayPartitions = 16;
    public const string RecordRowPrefix = "m_";
    public const string PendingRowPrefix = "p_";

    public static string RecordPartition(string messageId) =>
        "n" + (Convert.ToByte(messageId[..2], 16) % RecordPartitions).ToString("00", CultureInfo.InvariantCulture);

    public static IEnumerable<string> AllRecordPartitions() =>
        Enumerable.Range(0, RecordPartitions).Select(i => "n" + i.ToString("00", CultureInfo.InvariantCulture));

    public static string RecordRow(string messageId) => RecordRowPrefix + messageId;

    public static string PendingRow(string messageId) => PendingRowPrefix + messageId;

    public static string Day(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string ExternalIdPartition(DateOnly day, string partnerId, string externalId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(partnerId + "\n" + externalId));
        return DayPartitionPrefix(day) + (hash[0] % DayPartitions).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Every external-id partition of <paramref name="day"/> starts with this and sorts between it and <see cref="DayPartitionEnd"/>.</summary>
    public static string DayPartitionPrefix(DateOnly day) => "x" + Day(day) + "-";

    public static string DayPartitionEnd(DateOnly day) => "x" + Day(day) + ".";

    public static string ExternalIdRow(string partnerId, string externalId) => EscapeKey(partnerId) + "~" + EscapeKey(externalId);

    /// <summary>Table keys may not hold '/', '\', '#', '?' or control characters: percent-encode anything but a safe set ('~' included, so it can separate).</summary>
    public static string EscapeKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
