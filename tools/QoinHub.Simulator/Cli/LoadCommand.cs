using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QoinHub.Simulator.Conformance;
using QoinHub.Simulator.Load;
using QoinHub.Simulator.Output;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Cli;

/// <summary><c>load</c>: signed notifications at a concurrency for a count or a duration, with a share of duplicates.</summary>
public static class LoadCommand
{
    public const int DefaultCount = 100;

    public static Command Create(TimeProvider clock)
    {
        var endpointOptions = new EndpointOptions();
        var credentialOptions = new CredentialOptions();
        var count = new Option<int?>("--count") { Description = $"Number of notifications (default {DefaultCount} when no --duration)" };
        var duration = new Option<string?>("--duration") { Description = "Send for this long (e.g. 30s, 5m); with --count, whichever ends first" };
        var concurrency = new Option<int>("--concurrency") { Description = "Notifications in flight at once", DefaultValueFactory = _ => 8 };
        var duplicates = new Option<double>("--duplicates") { Description = "Percentage (0-100) of notifications that resend an earlier one unchanged", DefaultValueFactory = _ => 0 };
        var report = new Option<string?>("--report") { Description = "Write the figures and the accepted notifications' ids as JSON to this file" };
        var sensitiveOut = new Option<string?>("--sensitive-out") { Description = "Write every token, signature and secret the run used to this file" };
        var retries = new Option<int>("--retries")
        {
            Description = "Retry a notification answered 5xx (or not at all) with the same X-EXTERNAL-ID up to a number of times drawn per notification from 0 to this (0: never); refused token requests are waited out",
            DefaultValueFactory = _ => 0,
        };
        var retryDelay = new Option<string>("--retry-delay") { Description = "Pause before each retry (e.g. 500ms, 2s)", DefaultValueFactory = _ => "1s" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the per-notification retry draws (default: random, printed)" };
        var notificationsOut = new Option<string?>("--notifications-out") { Description = "Write every notification with all its answers and the final one to this file, one JSON object per line" };
        var command = new Command("load", "Sends signed notifications at a concurrency and reports throughput, latency percentiles and answers by code")
        {
            count, duration, concurrency, duplicates, report, sensitiveOut, retries, retryDelay, seed, notificationsOut,
        };
        endpointOptions.AddTo(command);
        credentialOptions.AddTo(command);
        command.SetAction((result, cancellationToken) => SimulatorCommandLine.GuardAsync(async () =>
        {
            var settings = ReadSettings(result.GetValue(count), result.GetValue(duration), result.GetValue(concurrency), result.GetValue(duplicates)) with
            {
                MaxRetries = result.GetValue(retries) is var maxRetries and >= 0 and <= 100 ? maxRetries : throw new UsageException("--retries must be between 0 and 100."),
                RetryDelay = Durations.TryParse(result.GetValue(retryDelay), out var delay) ? delay : throw new UsageException($"--retry-delay '{result.GetValue(retryDelay)}' is not a duration such as 500ms or 2s."),
                Seed = result.GetValue(seed) ?? RandomNumberGenerator.GetInt32(int.MaxValue),
                RecordNotifications = result.GetValue(notificationsOut) is not null,
            };
            using var partner = credentialOptions.Resolve(result);
            var (endpoint, http) = endpointOptions.Create(result, clock, settings.Concurrency);
            using (http)
            {
                var sensitive = result.GetValue(sensitiveOut) is null ? null : new SensitiveValues();
                using var tokens = new AccessTokenCache(new AccessTokenClient(endpoint, clock), partner, clock);
                tokens.Obtained += token => sensitive?.Add(token.AccessToken);
                var runner = new LoadRunner(endpoint, partner, tokens, clock, sensitive);
                var progress = new ProgressLine(Console.Error);
                Console.Out.WriteLine($"Load against {endpoint.BaseUrl} as {partner.ClientId}: " +
                    $"{(settings.Count is { } n ? n.ToString(CultureInfo.InvariantCulture) + " notifications" : "notifications")}" +
                    $"{(settings.Duration is { } d ? $" for {d.TotalSeconds:0.#} s" : string.Empty)}, concurrency {settings.Concurrency}, {settings.DuplicateShare * 100:0.#}% duplicates" +
                    (settings.MaxRetries > 0 ? $", 5xx retried up to {settings.MaxRetries} times (seed {settings.Seed})" : string.Empty));
                LoadResult outcome;
                try
                {
                    outcome = await runner.RunAsync(settings, progress.Write, cancellationToken);
                }
                finally
                {
                    progress.Finish();
                }

                Write(Console.Out, outcome, settings);
                if (result.GetValue(report) is { } reportPath)
                {
                    new LoadReport(
                        endpoint.BaseUrl.ToString(), partner.ClientId, settings.Concurrency, outcome.Requests, outcome.Distinct, outcome.Duplicates,
                        outcome.Elapsed.TotalSeconds, outcome.RequestsPerSecond, outcome.Latency, outcome.Answers, outcome.TokensObtained,
                        [.. outcome.Accepted.Select(ReportedNotification.From)])
                        .WriteTo(reportPath);
                }

                if (result.GetValue(notificationsOut) is { } notificationsPath)
                {
                    WriteNotifications(notificationsPath, outcome.Notifications);
                }

                if (result.GetValue(sensitiveOut) is { } sensitivePath)
                {
                    sensitive!.WriteTo(sensitivePath);
                }

                return outcome.AllAccepted ? ExitCodes.Success : ExitCodes.Failure;
            }
        }));
        return command;
    }

    private static LoadSettings ReadSettings(int? count, string? durationText, int concurrency, double duplicatesPercent)
    {
        TimeSpan? duration = null;
        if (durationText is not null)
        {
            duration = Durations.TryParse(durationText, out var parsed) ? parsed : throw new UsageException($"--duration '{durationText}' is not a duration such as 30s or 5m.");
        }

        if (count is <= 0)
        {
            throw new UsageException("--count must be positive.");
        }

        if (concurrency is < 1 or > 1024)
        {
            throw new UsageException("--concurrency must be between 1 and 1024.");
        }

        if (duplicatesPercent is < 0 or >= 100 || double.IsNaN(duplicatesPercent))
        {
            throw new UsageException("--duplicates is a percentage from 0 to below 100.");
        }

        return new LoadSettings(count ?? (duration is null ? DefaultCount : null), duration, concurrency, duplicatesPercent / 100);
    }

    private static void Write(TextWriter output, LoadResult outcome, LoadSettings settings)
    {
        output.WriteLine($"requests:    {outcome.Requests} ({outcome.Distinct} distinct, {outcome.Duplicates} duplicates{(settings.MaxRetries > 0 ? $", {outcome.Retries} retries" : string.Empty)}), concurrency {settings.Concurrency}");
        output.WriteLine(FormattableString.Invariant($"elapsed:     {outcome.Elapsed.TotalSeconds:0.00} s"));
        output.WriteLine(FormattableString.Invariant($"throughput:  {outcome.RequestsPerSecond:0.0} requests/s"));
        output.WriteLine(FormattableString.Invariant(
            $"latency:     p50 {outcome.Latency.P50:0.0} ms, p95 {outcome.Latency.P95:0.0} ms, p99 {outcome.Latency.P99:0.0} ms, max {outcome.Latency.Max:0.0} ms"));
        output.WriteLine($"tokens:      {outcome.TokensObtained} obtained");
        output.WriteLine("answers:");
        foreach (var (answer, number) in outcome.Answers)
        {
            output.WriteLine($"  {answer,-20} {number}");
        }

        output.WriteLine($"accepted:    {outcome.Accepted.Count} distinct notifications answered {LoadResult.AcceptedOutcome}");
        if (settings.MaxRetries > 0)
        {
            var finals = outcome.Finals;
            output.WriteLine($"retried:     {outcome.Retries} retries (up to {settings.MaxRetries} per notification, seed {settings.Seed}); {outcome.TokenRefusals} token requests refused and waited out");
            output.WriteLine($"finally:     {finals.Accepted} answered {LoadResult.AcceptedOutcome}, {finals.FailedAfterRetries} 5xx after retries, {finals.FailedNeverRetried} 5xx never retried, {finals.Other} other");
        }
    }

    /// <summary>Writes one JSON object per notification and line (JSON Lines), replacing the file.</summary>
    private static void WriteNotifications(string path, IReadOnlyList<NotificationOutcome> notifications)
    {
        using var writer = new StreamWriter(Path.GetFullPath(path), append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        foreach (var notification in notifications)
        {
            writer.WriteLine(JsonSerializer.Serialize(notification, OutcomeJsonContext.Default.NotificationOutcome));
        }
    }
}
