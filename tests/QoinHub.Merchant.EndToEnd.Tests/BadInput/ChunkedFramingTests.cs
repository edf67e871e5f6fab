using System.Text;
using System.Text.RegularExpressions;
using QoinHub.Merchant.EndToEnd.Tests.Durability;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.EndToEnd.Tests.BadInput;

/// <summary>
/// Bodies sent with <c>Transfer-Encoding: chunked</c> to the published worker behind the project's
/// Functions host, framed by hand: a chunk size that overflows is the caller's fault (a 4xx or a
/// closed connection, one warning line, no stack trace), and a chunked body over the limit gets the
/// same answer as a declared length over it.
/// </summary>
public sealed partial class ChunkedFramingTests(ChunkedFramingTests.App app) : IClassFixture<ChunkedFramingTests.App>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> OverflowingChunkSizes { get; } = new()
    {
        { SignedCaller.NotifyPath, "80000000" },
        { SignedCaller.NotifyPath, "ffffffff" },
        { SignedCaller.NotifyPath, "fffffffff" },
        { SignedCaller.TokenPath, "80000000" },
        { SignedCaller.TokenPath, "ffffffff" },
        { SignedCaller.TokenPath, "fffffffff" },
    };

    [Theory]
    [MemberData(nameof(OverflowingChunkSizes))]
    public async Task Chunk_size_that_overflows_is_a_4xx_or_a_closed_connection_with_a_one_line_warning(string path, string chunkSize)
    {
        var warningsBefore = Warnings(path).Count;
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n";

        var answer = await RawHttp.SendAsync(app.Run.App.BaseUrl, head, Encoding.ASCII.GetBytes(chunkSize + "\r\n{\"grantType\":\"client_credentials\"}"), Patience);

        Assert.True(answer.Status is 0 or (>= 400 and < 500), $"{path} with chunk size {chunkSize}: {answer}\n--- app\n{app.Run.App.Output}");
        if (answer.Body.Length > 0)
        {
            // The worker's answer when it got to answer; the host's bare 400 when the forward broke first.
            Assert.Matches("\"responseCode\":\"400(56|73)00\"", answer.Body);
        }

        // The worker's warning reaches the output after the answer, through the host.
        await WaitAsync(() => Warnings(path).Count > warningsBefore, $"a warning that the body of the call to {path} did not arrive whole");
        var warning = Warnings(path)[^1];
        Assert.Contains("answered 400", warning, StringComparison.Ordinal);
        AssertNoFailureOrStackTrace();
    }

    [Theory]
    [InlineData(SignedCaller.NotifyPath, "4005600")]
    [InlineData(SignedCaller.TokenPath, "4007300")]
    public async Task Chunked_body_over_the_limit_gets_the_size_answer_of_a_declared_length_over_it(string path, string code)
    {
        var body = await app.SignedOversizedRequestAsync(path);

        var answer = await RawHttp.SendAsync(app.Run.App.BaseUrl, body.Head + "Transfer-Encoding: chunked\r\n", RawHttp.Chunked(body.Bytes, 4096), Patience);

        Assert.True(answer.Status == 400, $"{path}: {answer}");
        Assert.Contains($"\"responseCode\":\"{code}\"", answer.Body, StringComparison.Ordinal);
        Assert.Contains("\"responseMessage\":\"Bad Request. The body is larger than 32768 bytes.\"", answer.Body, StringComparison.Ordinal);

        // The same body with its length declared: the same answer.
        var declared = await RawHttp.SendAsync(app.Run.App.BaseUrl, body.Head + $"Content-Length: {body.Bytes.Length}\r\n", body.Bytes, Patience);
        Assert.Equal((400, answer.Body), (declared.Status, declared.Body));
        AssertNoFailureOrStackTrace();
    }

    private List<string> Warnings(string path) =>
        [.. BadBodyWarning().Matches(app.Run.App.Output).Select(match => match.Value).Where(line => line.Contains($"call to {path} did not arrive whole", StringComparison.Ordinal))];

    private void AssertNoFailureOrStackTrace()
    {
        var output = app.Run.App.Output;
        Assert.False(output.Contains("fail:", StringComparison.Ordinal), output);
        Assert.False(StackFrame().IsMatch(output), $"The app logged a stack trace:\n{output}");
    }

    private async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The app did not write {what} within {Patience.TotalSeconds:0} s:\n{app.Run.App.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>The worker's warning that a body did not arrive whole, and its message line below it.</summary>
    [GeneratedRegex(@"warn: QoinHub\.Merchant\.Functions\.Http\.SnapHttp\[LogBadBody\]\r?\n[^\r\n]*", RegexOptions.CultureInvariant)]
    private static partial Regex BadBodyWarning();

    /// <summary>A frame of a .NET stack trace as the console logger writes it.</summary>
    [GeneratedRegex(@"^\s+at [\w.`<>]+[.(]", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex StackFrame();

    /// <summary>One local run shared by the cases (each starts from what it finds in the output).</summary>
    public sealed class App : IAsyncLifetime
    {
        private LocalRun? _run;

        internal LocalRun Run => _run ?? throw new InvalidOperationException("not started");

        public async Task InitializeAsync() => _run = await LocalRun.StartAsync(tokenLifetime: "00:15:00");

        public Task DisposeAsync()
        {
            _run?.Dispose();
            return Task.CompletedTask;
        }

        /// <summary>A request to <paramref name="path"/> signed as QoinHub signs it, whose valid JSON body is over 32 KiB.</summary>
        public async Task<(string Head, byte[] Bytes)> SignedOversizedRequestAsync(string path)
        {
            using var caller = new SignedCaller(Run.Credentials, Run.App.BaseUrl);
            var pad = new string('x', 40_000);
            var timestamp = SnapTimestamp.Format(DateTimeOffset.UtcNow);
            var head = new StringBuilder($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{SnapHeaders.Timestamp}: {timestamp}\r\n");
            byte[] bytes;
            if (path == SignedCaller.TokenPath)
            {
                bytes = Encoding.UTF8.GetBytes($$$"""{"grantType":"client_credentials","additionalInfo":{"pad":"{{{pad}}}"}}""");
                using var key = System.Security.Cryptography.RSA.Create();
                key.ImportFromPem(File.ReadAllText(Path.Combine(Run.Credentials.PrimaryDirectory, "private.pem")));
                head.Append($"{SnapHeaders.ClientKey}: {caller.ClientId}\r\n{SnapHeaders.Signature}: {AsymmetricSignature.Sign(key, caller.ClientId, timestamp)}\r\n");
                return (head.ToString(), bytes);
            }

            var token = await caller.GetTokenAsync();
            var secret = File.ReadAllText(Path.Combine(Run.Credentials.PrimaryDirectory, "client-secret.txt")).Trim();
            bytes = Encoding.UTF8.GetBytes(SignedCaller.NotificationBody("T-chunked-over-limit").Replace("\"additionalInfo\":{}", $$"""
                "additionalInfo":{"pad":"{{pad}}"}
                """, StringComparison.Ordinal));
            head.Append($"{SnapHeaders.Authorization}: Bearer {token}\r\n{SnapHeaders.Signature}: {SymmetricSignature.Sign(secret, "POST", path, token, bytes, timestamp)}\r\n")
                .Append($"{SnapHeaders.PartnerId}: {caller.ClientId}\r\n{SnapHeaders.ExternalId}: 2026120400000001\r\n{SnapHeaders.ChannelId}: 95221\r\n");
            return (head.ToString(), bytes);
        }
    }
}
