using System.CommandLine;
using System.Text.RegularExpressions;
using QoinHub.OperatorTool.Operations;

namespace QoinHub.OperatorTool.Cli;

/// <summary>
/// How <c>show</c> and <c>republish</c> name a notification: <c>--message-id</c>; or
/// <c>--external-id</c> and <c>--partner</c> (with <c>--day</c>, or the days retention keeps, newest
/// first); or <c>--reference</c> (QoinHub's <c>originalReferenceNo</c>), with <c>--partner</c> or
/// searching every partner, and with <c>--status</c> or every status 00-09.
/// </summary>
public sealed partial class RecordSelector
{
    public Option<string?> MessageId { get; } = new("--message-id") { Description = "The message id (the broker's MessageId, the envelope's messageId)" };

    public Option<string?> ExternalId { get; } = new("--external-id") { Description = "QoinHub's X-EXTERNAL-ID (with --partner)" };

    public Option<string?> Partner { get; } = new("--partner") { Description = "QoinHub's X-PARTNER-ID (its client id)" };

    public Option<string?> Day { get; } = new("--day") { Description = "With --external-id: the Asia/Jakarta day of its X-TIMESTAMP (yyyy-MM-dd, today, yesterday); default: every day retention keeps, newest first" };

    public Option<string?> Reference { get; } = new("--reference") { Description = "QoinHub's originalReferenceNo; without --partner every partner's records are searched (a scan of the ledger, slower on a large table)" };

    public Option<string?> Status { get; } = new("--status") { Description = "With --reference: latestTransactionStatus 00-09; default: each of them" };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(MessageId);
        command.Options.Add(ExternalId);
        command.Options.Add(Partner);
        command.Options.Add(Day);
        command.Options.Add(Reference);
        command.Options.Add(Status);
    }

    /// <summary>Checks the combination before anything is read, so that a usage error needs no storage.</summary>
    /// <exception cref="UsageException">Not exactly one way of naming the notification, or a value out of shape.</exception>
    public void Validate(ParseResult result, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(result);
        var ways = new[] { result.GetValue(MessageId), result.GetValue(ExternalId), result.GetValue(Reference) }.Count(v => v is not null);
        if (ways != 1)
        {
            throw new UsageException("Name the notification one way: --message-id M, or --external-id N --partner P [--day D], or --reference R [--partner P] [--status S].");
        }

        if (result.GetValue(MessageId) is { } messageId && !RecordFinder.IsMessageId(messageId.Trim().ToLowerInvariant()))
        {
            throw new UsageException($"--message-id '{messageId}' is not a message id (64 hex characters).");
        }

        if (result.GetValue(ExternalId) is not null && string.IsNullOrWhiteSpace(result.GetValue(Partner)))
        {
            throw new UsageException("--external-id needs --partner (QoinHub's X-PARTNER-ID): X-EXTERNAL-IDs are unique per partner only.");
        }

        if (result.GetValue(Day) is { } day)
        {
            if (result.GetValue(ExternalId) is null)
            {
                throw new UsageException("--day goes with --external-id.");
            }

            Days.Parse(day, "--day", clock);
        }

        if (result.GetValue(Status) is { } status)
        {
            if (result.GetValue(Reference) is null)
            {
                throw new UsageException("--status goes with --reference.");
            }

            if (!StatusFormat().IsMatch(status))
            {
                throw new UsageException($"--status '{status}' is not a latestTransactionStatus: two digits, 00 to 09.");
            }
        }
    }

    /// <summary>A description of what was looked for, for messages.</summary>
    public string Describe(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(MessageId) is { } messageId)
        {
            return $"message id {messageId}";
        }

        if (result.GetValue(ExternalId) is { } externalId)
        {
            var days = result.GetValue(Day) is { } day ? $"on {day}" : "in the days retention keeps";
            return $"X-EXTERNAL-ID {externalId} of partner {result.GetValue(Partner)} {days}";
        }

        var statuses = result.GetValue(Status) is { } status ? $"status {status}" : "any status 00-09";
        var partners = result.GetValue(Partner) is { } partner ? $"partner {partner}" : "any partner";
        return $"originalReferenceNo {result.GetValue(Reference)} of {partners} with {statuses}";
    }

    /// <summary>Every notification the selection matches, newest day first for external ids, by status for references.</summary>
    public Task<IReadOnlyList<FoundNotification>> FindAsync(ParseResult result, OperatorServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(services);
        var finder = new RecordFinder(services.Ledger);
        if (result.GetValue(MessageId) is { } messageId)
        {
            return finder.ByMessageIdAsync(messageId.Trim().ToLowerInvariant(), cancellationToken);
        }

        var partner = result.GetValue(Partner);
        if (result.GetValue(ExternalId) is { } externalId)
        {
            IEnumerable<DateOnly> days = result.GetValue(Day) is { } day
                ? [Days.Parse(day, "--day", services.Clock)]
                : RecentDays(services);
            return finder.ByExternalIdAsync(partner!, externalId, days, cancellationToken);
        }

        IEnumerable<string> statuses = result.GetValue(Status) is { } status ? [status] : RecordFinder.AllStatuses;
        return string.IsNullOrWhiteSpace(partner)
            ? finder.ByReferenceOfAnyPartnerAsync(result.GetValue(Reference)!, statuses, cancellationToken)
            : finder.ByReferenceAsync(partner, result.GetValue(Reference)!, statuses, cancellationToken);
    }

    /// <summary>Today (Asia/Jakarta) and every earlier day whose rows retention still keeps, newest first.</summary>
    private static IEnumerable<DateOnly> RecentDays(OperatorServices services)
    {
        var today = Days.Today(services.Clock);
        var kept = (int)Math.Ceiling(services.RetentionSettings.Notifications.TotalDays);
        return Enumerable.Range(0, Math.Max(kept, 1) + 1).Select(back => today.AddDays(-back));
    }

    [GeneratedRegex("^0[0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex StatusFormat();
}
