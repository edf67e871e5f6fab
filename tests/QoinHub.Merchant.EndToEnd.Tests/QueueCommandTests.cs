using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests;

/// <summary>
/// <c>queue peek</c>, <c>count</c> and <c>drain</c> on what the app really published: what arrived
/// can be seen without the Azure CLI, and only <c>drain</c> changes the queue.
/// </summary>
public sealed class QueueCommandTests
{
    [Fact]
    public async Task Peek_count_and_drain_show_what_the_app_published()
    {
        using var run = await LocalRun.StartAsync();
        string[] queueOptions = ["--queue-connection-string", AzuriteServer.Instance.ConnectionString, "--queue-name", run.Queue.Name];
        foreach (var (externalId, status) in new[] { ("2025070600000101", "03"), ("2025070600000102", "00") })
        {
            var sent = await run.SimulateAsync(TimeSpan.FromMinutes(1), "notify", "--external-id", externalId, "--status", status);
            Assert.True(sent.ExitCode == 0, $"{sent}\n--- app\n{run.App.Output}");
        }

        var peek = await Simulator(run, ["queue", "peek", .. queueOptions]);
        Assert.Contains($"Queue {run.Queue.Name} on devstoreaccount1: 2 messages shown", peek, StringComparison.Ordinal);
        Assert.Matches(@"\[1\] messageId [0-9a-f]{64}  partner dev-qoinhub  externalId 2025070600000101  status 03 \(Pending\)", peek);
        Assert.Matches(@"\[2\] messageId [0-9a-f]{64}  partner dev-qoinhub  externalId 2025070600000102  status 00 \(Success\)", peek);
        Assert.Contains("dequeued 0 times", peek, StringComparison.Ordinal);
        Assert.Contains("\n  \"schemaVersion\": \"1.1\",", peek, StringComparison.Ordinal);
        var client = new QueueClient(AzuriteServer.Instance.ConnectionString, run.Queue.Name);
        Assert.All((await client.PeekMessagesAsync(32)).Value, message => Assert.Equal(0, message.DequeueCount));

        var peekOne = await Simulator(run, ["queue", "peek", "--max", "1", .. queueOptions]);
        Assert.Contains("1 message shown", peekOne, StringComparison.Ordinal);
        Assert.DoesNotContain("[2]", peekOne, StringComparison.Ordinal);

        Assert.Contains("about 2 messages", await Simulator(run, ["queue", "count", .. queueOptions]), StringComparison.Ordinal);

        var drain = await Simulator(run, ["queue", "drain", .. queueOptions]);
        Assert.Equal(2, Regex.Count(drain, @"^\[\d\] messageId ", RegexOptions.Multiline));
        Assert.Contains("2 messages received and deleted", drain, StringComparison.Ordinal);
        Assert.Empty((await client.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Peek_of_a_queue_that_does_not_exist_yet_says_so()
    {
        var name = "e2e-none-" + Guid.NewGuid().ToString("N")[..12];

        var result = await SimulatorCli.RunAsync(Path.GetTempPath(), TimeSpan.FromMinutes(1),
            "queue", "peek", "--queue-connection-string", AzuriteServer.Instance.ConnectionString, "--queue-name", name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Queue {name} does not exist on devstoreaccount1", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_string_that_is_not_one_is_refused_without_being_echoed()
    {
        var result = await SimulatorCli.RunAsync(Path.GetTempPath(), TimeSpan.FromMinutes(1),
            "queue", "count", "--queue-connection-string", "AccountKey=c2VjcmV0LWtleQ==;nonsense");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("not a Storage connection string", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0LWtleQ", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<string> Simulator(LocalRun run, string[] arguments)
    {
        var result = await SimulatorCli.RunAsync(run.Credentials.Root, TimeSpan.FromMinutes(1), arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput;
    }
}
