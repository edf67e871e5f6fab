namespace QoinHub.Merchant.EndToEnd.Tests;

/// <summary>
/// <c>scripts/startup-time.sh</c>: its help, its refusals, and one small run for real (one start of
/// each build, a short load) whose every printed figure has the form the docs quote, beside the
/// retired native build's figures; nothing it started outlives it. No timing is asserted.
/// </summary>
public sealed class StartupTimeScriptTests
{
    [Fact]
    public async Task Help_describes_the_measurements_and_the_options()
    {
        var (exitCode, output, left) = await MeasurementScript.RunAsync("startup-time.sh", ["--help"], TimeSpan.FromSeconds(30), requirePublish: false);

        Assert.Equal(0, exitCode);
        Assert.Contains("./scripts/startup-time.sh [count] [--notifications N] [--warmup N] [--rounds N] [--no-load]", output, StringComparison.Ordinal);
        Assert.Contains("benchmarks/WorkerHello", output, StringComparison.Ordinal);
        Assert.Contains("2026-11-24", output, StringComparison.Ordinal);
        Assert.DoesNotContain("set -euo", output, StringComparison.Ordinal);
        Assert.Empty(left);
    }

    [Theory]
    [InlineData("0", "'0' is not a positive whole number")]
    [InlineData("--notifications=5", "unknown option '--notifications=5'")]
    [InlineData("--warmup x", "--warmup must be a whole number, not 'x'")]
    public async Task A_bad_argument_is_refused_before_anything_starts(string arguments, string message)
    {
        var (exitCode, output, left) = await MeasurementScript.RunAsync("startup-time.sh", arguments.Split(' '), TimeSpan.FromSeconds(30), requirePublish: false);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("==> publishing", output, StringComparison.Ordinal);
        Assert.Empty(left);
    }

    [Fact]
    public async Task A_small_run_prints_every_figure_beside_the_retired_ones_and_leaves_nothing_running()
    {
        // Publishes the bare worker first when it is missing (about a minute), then two starts of each build
        // not counted and one counted, a load of 40 notifications after 10, and the bare worker at the same rate.
        var (exitCode, output, left) = await MeasurementScript.RunAsync("startup-time.sh", ["1", "--notifications", "40", "--warmup", "10"], TimeSpan.FromMinutes(10));

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}");
        Assert.Matches(@"(?m)^start-up \(a\) app:  GET / \d+ ms \(\d+-\d+\), first 2007300 \d+ ms \(\d+-\d+\); of which the host alone -?\d+ ms \(-?\d+--?\d+\), worker start -> first 2007300 -?\d+ ms", output);
        Assert.Matches(@"(?m)^start-up \(b\) bare: GET / \d+ ms \(\d+-\d+\), first 200 \d+ ms \(\d+-\d+\);", output);
        Assert.Matches(@"(?m)^rss-after-start \(a\) app:  worker \d+\.\d MB \(\d+\.\d-\d+\.\d\), host \d+\.\d MB", output);
        Assert.Matches(@"(?m)^rss-after-start \(b\) bare: worker \d+\.\d MB \(\d+\.\d-\d+\.\d\), host \d+\.\d MB", output);
        Assert.Matches(@"(?m)^cpu-per-notification app: \d+\.\d{3} ms \(40 accepted of 40 sent, worker CPU", output);
        Assert.Matches(@"(?m)^cpu-per-request hello: worker \d+\.\d{3} ms, host \d+\.\d{3} ms \(40 of 40 answered 200 in", output);

        // The closing table: this run's figure, then the retired native build's as quoted.
        Assert.Matches(@"(?m)^start-up: process start -> first 2007300 \(app\)\s+\d+ ms\s+599 ms \(489-654\)", output);
        Assert.Matches(@"(?m)^start-up: process start -> first 200 \(bare app\)\s+\d+ ms\s+444 ms \(333-471\)", output);
        Assert.Matches(@"(?m)^start-up: worker start -> first 2007300 \(app\)\s+-?\d+ ms\s+599 ms", output);
        Assert.Matches(@"(?m)^RSS after start: worker \(app\)\s+\d+\.\d MB\s+40\.5-40\.8 MB", output);
        Assert.Matches(@"(?m)^RSS after start: host \(app\)\s+\d+\.\d MB", output);
        Assert.Matches(@"(?m)^RSS after 50 notifications: worker\s+\d+\.\d MB\s+54-58 MB after 12000", output);
        Assert.Matches(@"(?m)^RSS after 50 notifications: host\s+\d+\.\d MB", output);
        Assert.Matches(@"(?m)^CPU per accepted notification: worker\s+\d+\.\d{3} ms\s+1\.17 ms", output);
        Assert.Matches(@"(?m)^CPU per accepted notification: host\s+\d+\.\d{3} ms", output);
        Assert.Matches(@"(?m)^CPU per request, bare app at the same rate: worker\s+\d+\.\d{3} ms \(at \d+/s\)\s+0\.32 ms", output);
        Assert.Contains("measured 2026-11-24 with the native build", output, StringComparison.Ordinal);
        Assert.Empty(left);
    }
}
