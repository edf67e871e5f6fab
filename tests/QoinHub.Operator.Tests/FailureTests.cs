using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using QoinHub.Merchant.Testing;
using QoinHub.OperatorTool.Tests.Infrastructure;

namespace QoinHub.OperatorTool.Tests;

public sealed partial class FailureTests : IDisposable
{
    private readonly OperatorTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["list"], "Option '--day' is required." },
        { ["list", "--day", "24-11-2026"], "--day '24-11-2026' is not a day" },
        { ["list", "--day", "today", "--state", "lost"], "lost" },
        { ["show", "--external-id", "1001"], "--external-id needs --partner" },
        { ["show", "--external-id", "1001", "--reference", "T1", "--partner", "p"], "Name the notification one way" },
        { ["show", "--reference", "T1", "--partner", "p", "--status", "10"], "--status '10' is not a latestTransactionStatus" },
        { ["show", "--message-id", "abc"], "--message-id 'abc' is not a message id" },
        { ["republish", "--reference", "T1", "--partner", "p", "--day", "today"], "--day goes with --external-id" },
        { ["relay", "--relay-after", "soon"], "--relay-after 'soon' is not a duration" },
        { ["retention", "--preview", "--apply"], "Give --preview or --apply, not both." },
        { ["frobnicate"], "frobnicate" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task A_usage_error_exits_2_with_a_message_and_does_nothing(string[] args, string message)
    {
        var run = await _bed.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.False(await OperatorTestBed.TableExistsAsync(_bed.NotificationTable));
    }

    [Fact]
    public async Task Unreachable_table_storage_exits_3_naming_the_setting_and_never_the_connection_string()
    {
        _bed.Environment["Storage__ConnectionString"] = WithEndpoint("TableEndpoint", ClosedPort());

        var run = await _bed.RunAsync("list", "--day", "today");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("Table storage failed", run.Error, StringComparison.Ordinal);
        Assert.Contains("check --connection-string or Storage__ConnectionString", run.Error, StringComparison.Ordinal);
        AssertNoSecret(run);
    }

    [Fact]
    public async Task A_connection_string_given_as_an_option_is_used_and_a_malformed_one_is_not_printed()
    {
        await _bed.SeedAsync("1001", "T1001");
        _bed.Environment.Remove("Storage__ConnectionString");

        var good = await _bed.RunAsync("show", "--connection-string", OperatorTestBed.ConnectionString, "--external-id", "1001", "--partner", OperatorTestBed.Partner);
        var malformed = await _bed.RunAsync("list", "--day", "today", "--connection-string", "AccountKey=" + AzuriteServer.AccountKey + ";Nonsense");

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("--connection-string or Storage__ConnectionString", malformed.Error, StringComparison.Ordinal);
        AssertNoSecret(good);
        AssertNoSecret(malformed);
    }

    [Fact]
    public async Task An_unreachable_queue_fails_a_republish_with_exit_3_and_leaves_the_record_as_it_was()
    {
        var seeded = await _bed.SeedAsync("1002", "T1002", published: false);
        _bed.Environment["Storage__ConnectionString"] = WithEndpoint("QueueEndpoint", ClosedPort());

        var run = await _bed.RunAsync("republish", "--message-id", seeded.MessageId);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"The queue did not accept {seeded.MessageId}", run.Error, StringComparison.Ordinal);
        Assert.Contains($"LocalQueue__Name ('{_bed.QueueName}'): check --connection-string or Storage__ConnectionString", run.Error, StringComparison.Ordinal);
        AssertNoSecret(run);
        var record = await _bed.TableLedger.FindRecordAsync(seeded.MessageId, CancellationToken.None);
        Assert.Equal("Received", record!.State);
        Assert.True(record.LeaseUntil <= OperatorTestBed.Now, "The failed republish released its claim.");
    }

    [Fact]
    public async Task A_table_that_does_not_exist_exits_1_and_is_not_created()
    {
        var missing = "opmissing" + Guid.NewGuid().ToString("N")[..12];

        var run = await _bed.RunAsync("list", "--day", "today", "--table", missing);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"There is no table '{missing}' on that storage account: check --table or Storage__NotificationTable", run.Error, StringComparison.Ordinal);
        Assert.False(await OperatorTestBed.TableExistsAsync(missing));
    }

    private static void AssertNoSecret(ToolRun run)
    {
        Assert.DoesNotContain(AzuriteServer.AccountKey, run.Out + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", run.Out + run.Error, StringComparison.OrdinalIgnoreCase);
    }

    private static string WithEndpoint(string endpoint, int port) =>
        EndpointPort().Replace(OperatorTestBed.ConnectionString, match => match.Groups["name"].Value == endpoint ? $"{endpoint}=http://127.0.0.1:{port}/" : match.Value);

    /// <summary>A loopback port nothing listens on.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"(?<name>\w+Endpoint)=http://127\.0\.0\.1:\d+/")]
    private static partial Regex EndpointPort();
}
