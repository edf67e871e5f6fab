using System.CommandLine;
using Azure;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using QoinHub.OperatorTool.Operations;

namespace QoinHub.OperatorTool.Cli;

/// <summary>The command line: answers "QoinHub says it sent this payment; where is it?" and acts on the answer.</summary>
public static class OperatorCommandLine
{
    private const int MaxReasonLength = 300;

    public static async Task<int> InvokeAsync(string[] args, OperatorConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var storage = new StorageCliOptions();
        var root = new RootCommand(
            "The merchant's operator tool for QoinHub notifications: finds them in the ledger, republishes them, runs the outbox relay and retention. " +
            "Reads the app's settings from the environment (Storage__*, ServiceBus__*, LocalQueue__Name, Outbox__* with the outbox MAC keys, KeyVault__Uri, Retention__*).")
        {
            ListCommand.Create(console, storage),
            ShowCommand.Create(console, storage),
            RepublishCommand.Create(console, storage),
            RelayCommand.Create(console, storage),
            RetentionCommand.Create(console, storage),
            QueueCommand.Create(console, storage),
        };
        storage.AddTo(root);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync(error.Message);
            }

            await console.Error.WriteLineAsync("Run with --help for the options.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error });
    }

    /// <summary>
    /// Runs a command's body on the app's services built from the environment and
    /// <paramref name="overrides"/>, after checking that the ledger's table exists; turns the errors
    /// an operator can act on into a message naming what to check, and an exit code.
    /// </summary>
    public static async Task<int> RunAsync(
        OperatorConsole console,
        IEnumerable<KeyValuePair<string, string?>> overrides,
        bool withPublisher,
        Func<OperatorServices, Task<int>> body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(body);
        var configuration = BuildConfiguration(console, overrides);
        try
        {
            await using var services = OperatorServices.Create(configuration, console, withPublisher);
            if (!await services.NotificationTableExistsAsync(cancellationToken))
            {
                await console.Error.WriteLineAsync(
                    $"There is no table '{services.NotificationTable}' on that storage account: check --table or Storage__NotificationTable, and the account ({SettingHints.Tables(configuration)}).");
                return ExitCodes.NotFoundOrRefused;
            }

            return await body(services);
        }
        catch (UsageException exception)
        {
            await console.Error.WriteLineAsync(exception.Message);
            return ExitCodes.Usage;
        }
        catch (Exception exception) when (IsUnreachable(exception) && !cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync($"Table storage failed ({Reason(exception)}): {SettingHints.Tables(configuration)}.");
            return ExitCodes.Unreachable;
        }
    }

    /// <summary>Runs a check that needs no storage, turning a usage error into its message and exit code.</summary>
    public static async Task<int?> CheckUsageAsync(OperatorConsole console, Action check)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(check);
        try
        {
            check();
            return null;
        }
        catch (UsageException exception)
        {
            await console.Error.WriteLineAsync(exception.Message);
            return ExitCodes.Usage;
        }
    }

    /// <summary>The app's configuration as the app builds it from the environment (<c>__</c> separates sections), then the command line's overrides.</summary>
    public static IConfiguration BuildConfiguration(OperatorConsole console, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        ArgumentNullException.ThrowIfNull(console);
        var builder = new ConfigurationBuilder();
        if (console.Environment is null)
        {
            builder.AddEnvironmentVariables();
        }
        else
        {
            builder.AddInMemoryCollection(console.Environment.Select(setting =>
                new KeyValuePair<string, string?>(setting.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), setting.Value)));
        }

        return builder.AddInMemoryCollection(overrides).Build();
    }

    private static bool IsUnreachable(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnreachable),
        RequestFailedException or AuthenticationFailedException or HttpRequestException or IOException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    /// <summary>What went wrong, short: a status and error code, or the innermost cause's first line (no request details, no settings).</summary>
    private static string Reason(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case AggregateException { InnerExceptions.Count: > 0 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    continue;
                case RequestFailedException { Status: > 0 } failed:
                    return $"{failed.Status} {failed.ErrorCode}".TrimEnd();
                case { InnerException: { } inner } when exception is not AuthenticationFailedException:
                    exception = inner;
                    continue;
            }

            var message = exception.Message;
            var end = message.IndexOfAny(['\r', '\n']);
            message = end < 0 ? message : message[..end];
            return message.Length > MaxReasonLength ? message[..MaxReasonLength] + "…" : message;
        }
    }
}
