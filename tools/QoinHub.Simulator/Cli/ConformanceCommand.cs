using System.CommandLine;
using QoinHub.Simulator.Conformance;
using QoinHub.Simulator.Credentials;
using QoinHub.Simulator.Output;

namespace QoinHub.Simulator.Cli;

/// <summary><c>conformance</c>: the named checks against an endpoint, as a pass/fail table; exit code 1 on any failure.</summary>
public static class ConformanceCommand
{
    public const string DefaultOtherCredentials = ".dev/" + DevKeys.SecondaryClientId;

    public static Command Create(TimeProvider clock)
    {
        var endpointOptions = new EndpointOptions();
        var credentialOptions = new CredentialOptions();
        var otherCredentials = new Option<string?>("--other-credentials")
        {
            Description = $"Credentials directory of a second registered partner (default {DefaultOtherCredentials} if present); without it the other-partner check is skipped",
        };
        var queueConnectionString = new Option<string?>("--queue-connection-string") { Description = "Connection string of the storage account of the app's local queue (enables the queue checks; the queue is left as found)" };
        var queueName = new Option<string?>("--queue-name") { Description = "The app's local queue (LocalQueue__Name)" };
        var report = new Option<string?>("--report") { Description = "Write the results as JSON to this file" };
        var sensitiveOut = new Option<string?>("--sensitive-out") { Description = "Write every token, signature and secret the run used to this file (to search the app's logs for them)" };
        var maxBodyBytes = new Option<int>("--max-body-bytes")
        {
            Description = "The app's body limit (Snap__MaxBodyBytes); the oversized checks send one byte more",
            DefaultValueFactory = _ => ConformanceSettings.DefaultMaxBodyBytes,
        };
        var command = new Command("conformance", $"Runs {ConformanceSuite.Checks.Count} named checks against an endpoint and prints a pass/fail table; exit code 1 on any failure")
        {
            otherCredentials, queueConnectionString, queueName, report, sensitiveOut, maxBodyBytes,
        };
        endpointOptions.AddTo(command);
        credentialOptions.AddTo(command);
        command.SetAction((result, cancellationToken) => SimulatorCommandLine.GuardAsync(async () =>
        {
            var queue = (result.GetValue(queueConnectionString), result.GetValue(queueName)) switch
            {
                (null, null) => null,
                ({ } cs, { } name) => QueueCommand.Checked(new QueueAccess(cs, name)),
                _ => throw new UsageException("The queue checks need both --queue-connection-string and --queue-name."),
            };
            if (result.GetValue(maxBodyBytes) <= 0)
            {
                throw new UsageException("--max-body-bytes must be positive.");
            }

            using var partner = credentialOptions.Resolve(result);
            using var other = ResolveOther(result.GetValue(otherCredentials));
            var (endpoint, http) = endpointOptions.Create(result, clock, maxConnections: 2);
            using (http)
            {
                var context = new ConformanceContext(endpoint, partner, other, clock, new ConformanceSettings(result.GetValue(maxBodyBytes), queue));
                var startedAt = clock.GetUtcNow();
                Console.Out.WriteLine($"Conformance of {endpoint.BaseUrl} as {partner.ClientId}" +
                    $" (other partner: {other?.ClientId ?? "none"}; queue: {queue?.QueueName ?? "not checked"})");
                Console.Out.WriteLine();
                var table = new ResultTable(Console.Out, ConformanceSuite.Checks.Max(check => check.Name.Length));
                table.WriteHeader();
                var results = await ConformanceSuite.RunAsync(context, table.WriteRow, cancellationToken);
                var outcome = ConformanceReport.Create(endpoint.BaseUrl.ToString(), partner.ClientId, startedAt, clock.GetUtcNow(), results, context.Ledger.Accepted);
                Console.Out.WriteLine();
                Console.Out.WriteLine($"{results.Count} checks: {outcome.Passed} passed, {outcome.Failed} failed, {outcome.Skipped} skipped");
                if (result.GetValue(report) is { } reportPath)
                {
                    outcome.WriteTo(reportPath);
                }

                if (result.GetValue(sensitiveOut) is { } sensitivePath)
                {
                    context.Sensitive.WriteTo(sensitivePath);
                }

                return outcome.Failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
        }));
        return command;
    }

    private static SimulatedPartner? ResolveOther(string? directory)
    {
        if (directory is not null)
        {
            return PartnerFiles.LoadDirectory(directory);
        }

        return Directory.Exists(DefaultOtherCredentials) ? PartnerFiles.LoadDirectory(DefaultOtherCredentials) : null;
    }
}
