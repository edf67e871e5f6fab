using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Chaos;

/// <summary>
/// The load command's QoinHub-style retries against an endpoint that refuses the first token
/// requests and answers every notification 500: each notification is sent again with the same
/// X-EXTERNAL-ID and body as many times as drawn for it (0 to <c>--retries</c>), the draws follow
/// <c>--seed</c>, and <c>--notifications-out</c> lists every answer.
/// </summary>
public sealed class LoadRetryTests
{
    [Fact]
    public async Task Failed_notifications_are_retried_a_drawn_number_of_times_with_the_same_external_id_and_body()
    {
        await using var endpoint = await FailingEndpoint.StartAsync(refuseTokens: 2);
        using var credentials = await DevCredentials.CreateAsync();
        var first = await RunAsync(credentials, endpoint, "first.jsonl");
        var requests = endpoint.Notifications;

        Assert.True(first.Run.ExitCode == 1, first.Run.ToString());
        Assert.Equal(12, first.Lines.Count);
        Assert.All(first.Lines, line =>
        {
            Assert.Equal(line.RetriesAllowed + 1, line.Answers.Count);
            Assert.All(line.Answers, answer => Assert.Equal("500 5005600", answer));
            Assert.Equal("500 5005600", line.Final);
            var sent = requests.Where(request => request.ExternalId == line.ExternalId).ToList();
            Assert.Equal(line.Answers.Count, sent.Count);
            Assert.Single(sent.Select(request => request.Body).Distinct(StringComparer.Ordinal));
        });
        Assert.Equal([0, 1, 2], first.Lines.Select(line => line.RetriesAllowed).Distinct().Order());
        var retries = first.Lines.Sum(line => line.RetriesAllowed);
        var neverRetried = first.Lines.Count(line => line.RetriesAllowed == 0);
        Assert.Contains($"requests:    {12 + retries} (12 distinct, 0 duplicates, {retries} retries)", first.Run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"retried:     {retries} retries (up to 2 per notification, seed 7); 2 token requests refused and waited out", first.Run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"finally:     0 answered 200 2005600, {12 - neverRetried} 5xx after retries, {neverRetried} 5xx never retried, 0 other", first.Run.StandardOutput, StringComparison.Ordinal);

        // The same seed draws the same retries, notification by notification.
        var again = await RunAsync(credentials, endpoint, "again.jsonl");
        Assert.Equal(first.Lines.Select(line => line.RetriesAllowed), again.Lines.Select(line => line.RetriesAllowed));
    }

    private static async Task<(SimulatorRun Run, IReadOnlyList<Line> Lines)> RunAsync(DevCredentials credentials, FailingEndpoint endpoint, string file)
    {
        var path = Path.Combine(credentials.Root, file);
        var run = await SimulatorCli.RunAsync(
            credentials.Root, TimeSpan.FromMinutes(1),
            "load", "--count", "12", "--concurrency", "1", "--retries", "2", "--retry-delay", "20ms", "--seed", "7",
            "--notifications-out", path, "--base-url", endpoint.BaseUrl.ToString());
        Assert.True(File.Exists(path), run.ToString());
        var lines = File.ReadAllLines(path).Select(text =>
        {
            using var line = JsonDocument.Parse(text);
            var root = line.RootElement;
            return new Line(
                root.GetProperty("externalId").GetString()!,
                root.GetProperty("retriesAllowed").GetInt32(),
                [.. root.GetProperty("answers").EnumerateArray().Select(answer => answer.GetString()!)],
                root.GetProperty("final").GetString()!);
        }).ToList();
        return (run, lines);
    }

    private sealed record Line(string ExternalId, int RetriesAllowed, IReadOnlyList<string> Answers, string Final);

    /// <summary>Kestrel on 127.0.0.1: refuses the first token requests (500), then issues tokens; answers every notification 500 5005600.</summary>
    private sealed class FailingEndpoint : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<(string ExternalId, string Body)> _notifications = [];
        private int _tokensToRefuse;
        private LoopbackWebServer _server = null!;

        private FailingEndpoint(int refuseTokens) => _tokensToRefuse = refuseTokens;

        public Uri BaseUrl => _server.BaseAddress;

        public IReadOnlyList<(string ExternalId, string Body)> Notifications
        {
            get
            {
                lock (_gate)
                {
                    return [.. _notifications];
                }
            }
        }

        public static async Task<FailingEndpoint> StartAsync(int refuseTokens)
        {
            var endpoint = new FailingEndpoint(refuseTokens);
            endpoint._server = await LoopbackWebServer.StartAsync(app => app.MapPost("/{**path}", endpoint.AnswerAsync));
            return endpoint;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();

        private async Task AnswerAsync(HttpContext context)
        {
            using var body = new StreamReader(context.Request.Body, Encoding.UTF8);
            var text = await body.ReadToEndAsync();
            string answer;
            if (context.Request.Path.Value!.EndsWith("/access-token/b2b", StringComparison.Ordinal))
            {
                if (Interlocked.Decrement(ref _tokensToRefuse) >= 0)
                {
                    context.Response.StatusCode = 500;
                    answer = """{"responseCode":"5007300","responseMessage":"General Error"}""";
                }
                else
                {
                    var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                    answer = $$$"""{"responseCode":"2007300","responseMessage":"Successful","accessToken":"{{{token}}}","tokenType":"Bearer","expiresIn":"900","additionalInfo":{}}""";
                }
            }
            else
            {
                lock (_gate)
                {
                    _notifications.Add((context.Request.Headers["X-EXTERNAL-ID"].ToString(), text));
                }

                context.Response.StatusCode = 500;
                answer = """{"responseCode":"5005600","responseMessage":"General Error"}""";
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer);
        }
    }
}
