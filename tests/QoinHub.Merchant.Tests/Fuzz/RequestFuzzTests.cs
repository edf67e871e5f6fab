using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QoinHub.Merchant.Tests.Http;
using Xunit.Abstractions;

namespace QoinHub.Merchant.Tests.Fuzz;

/// <summary>
/// Ten thousand generated requests per endpoint (headers damaged, doubled or dropped; bodies cut,
/// reshaped, mis-encoded, with a key sent twice, some of them signed as sent; numbers and strings
/// changed; bodies sent chunked, or chunked with a chunk-size line that overflows or lies), from a
/// seed printed with the counts (<c>FUZZ_SEED</c> replays a run). None may cost a 5xx, none may be
/// accepted unless its signature is valid for what was sent and its keys are unique in each object
/// (checked by this test's own oracle), none with broken chunks is accepted, and memory stays flat.
/// </summary>
public sealed class RequestFuzzTests(ITestOutputHelper output)
{
    private const int RequestsPerEndpoint = 10_000;
    private const int Parallelism = 8;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : 20261124;

    [Fact]
    public async Task Mutated_token_requests_never_cost_a_5xx_and_none_unsigned_is_accepted()
    {
        await using var app = new SnapAppFactory();
        using var http = app.CreateClient();
        using var partnerKey = SnapClient.VectorPrivateKey();
        using var partnerPublic = RSA.Create();
        partnerPublic.ImportSubjectPublicKeyInfo(partnerKey.ExportSubjectPublicKeyInfo(), out _);
        var timestamp = new SnapClient(http, app.Clock).Now();

        var run = await RunAsync(app, http, "token", i =>
        {
            var mutator = new Mutator(unchecked((Seed * 1_000_003) + (73 * 100_003) + i));
            var other = mutator.Chance(0.2);
            var clientKey = other ? SnapAppFactory.OtherClientId : Fixtures.Vectors.ClientId;
            var key = other ? app.OtherPrivateKey : partnerKey;
            var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(clientKey + "|" + timestamp), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            var request = new FuzzRequest(SnapClient.TokenPath, Encoding.UTF8.GetBytes(SnapClient.TokenBody))
            {
                Headers =
                {
                    ["Content-Type"] = ["application/json"],
                    ["X-TIMESTAMP"] = [timestamp],
                    ["X-CLIENT-KEY"] = [clientKey],
                    ["X-SIGNATURE"] = [signature],
                },
            };
            request.Mutate(mutator);
            return request;
        },
        (request, _) =>
        {
            // Accepted only if the RSA signature verifies for the client and timestamp sent, with the grant type asked for.
            if (request.Single("X-CLIENT-KEY") is not { } client || request.Single("X-TIMESTAMP") != timestamp || request.Single("X-SIGNATURE") is not { } sent)
            {
                return false;
            }

            var publicKey = client == Fixtures.Vectors.ClientId ? partnerPublic : client == SnapAppFactory.OtherClientId ? app.OtherPrivateKey : null;
            var signatureBytes = new byte[sent.Length];
            return publicKey is not null
                && Convert.TryFromBase64String(sent, signatureBytes, out var length)
                && publicKey.VerifyData(Encoding.UTF8.GetBytes(client + "|" + timestamp), signatureBytes.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                && GrantTypeIsClientCredentials(request.Body)
                && !JsonEquivalence.HasDuplicateKeys(request.Body);
        });

        Assert.True(run.Accepted > RequestsPerEndpoint / 20, $"only {run.Accepted} accepted: the generator hardly sends valid requests");
    }

    [Fact]
    public async Task Mutated_notifications_never_cost_a_5xx_and_none_unsigned_is_accepted_or_published()
    {
        await using var app = new SnapAppFactory();
        using var http = app.CreateClient();
        using var partnerKey = SnapClient.VectorPrivateKey();
        var client = new SnapClient(http, app.Clock);
        var token = await client.GetTokenAsync(partnerKey, Fixtures.Vectors.ClientId);
        var timestamp = client.Now();
        var secret = Encoding.UTF8.GetBytes(Fixtures.Vectors.ClientSecret);
        var signedBodies = new ConcurrentDictionary<int, (byte[] Body, byte[] Mac)>();

        var run = await RunAsync(app, http, "notify", i =>
        {
            var mutator = new Mutator(unchecked((Seed * 1_000_003) + (56 * 100_003) + i));
            var body = SnapClient.NotificationBody($"FZ{Seed}-{i}", mutator.Pick(["00", "03", "06"]));

            // Now and then the body is damaged before it is signed (a key sent twice among others), so the signature holds for what is sent.
            var bytes = mutator.Chance(0.2) ? mutator.MutateBody(body) : Encoding.UTF8.GetBytes(body);
            var mac = HMACSHA512.HashData(secret, Encoding.UTF8.GetBytes(
                $"POST:{SnapClient.NotifyPath}:{token}:{Convert.ToHexStringLower(SHA256.HashData(bytes))}:{timestamp}"));
            signedBodies[i] = (bytes, mac);
            var request = new FuzzRequest(SnapClient.NotifyPath, bytes)
            {
                Index = i,
                Headers =
                {
                    ["Content-Type"] = ["application/json"],
                    ["Authorization"] = ["Bearer " + token],
                    ["X-TIMESTAMP"] = [timestamp],
                    ["X-SIGNATURE"] = [mutator.Chance(0.5) ? Convert.ToBase64String(mac) : Convert.ToHexStringLower(mac)],
                    ["X-PARTNER-ID"] = [Fixtures.Vectors.ClientId],
                    ["X-EXTERNAL-ID"] = [(100_000_000 + i).ToString(CultureInfo.InvariantCulture)],
                    ["CHANNEL-ID"] = ["95221"],
                },
            };
            request.Mutate(mutator);
            return request;
        },
        (request, _) =>
        {
            // Accepted only if token, timestamp and signature are the ones signed and the body is the
            // signed JSON (formatting and escaping aside, numbers as written).
            var (signedBody, mac) = signedBodies[request.Index];
            return request.Single("Authorization") is { } authorization
                && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization["Bearer ".Length..] == token
                && request.Single("X-TIMESTAMP") == timestamp
                && request.Single("X-PARTNER-ID") == Fixtures.Vectors.ClientId
                && request.Single("X-SIGNATURE") is { } signature && Decode(signature) is { } decoded && decoded.AsSpan().SequenceEqual(mac)
                && JsonEquivalence.Same(request.Body, signedBody)
                && !JsonEquivalence.HasDuplicateKeys(request.Body);
        });

        var published = await QueueReader.DrainAsync(app.StorageConnectionString, app.QueueName);
        output.WriteLine($"fuzz notify: {published.Count} messages on the queue for {run.Accepted} accepted");
        Assert.Equal(run.Accepted, published.Count);
        Assert.True(run.Accepted > RequestsPerEndpoint / 20, $"only {run.Accepted} accepted: the generator hardly sends valid requests");
    }

    private async Task<FuzzRun> RunAsync(SnapAppFactory app, HttpClient http, string name, Func<int, FuzzRequest> generate, Func<FuzzRequest, int, bool> mayBeAccepted)
    {
        var statuses = new ConcurrentDictionary<int, int>();
        var violations = new ConcurrentQueue<string>();
        var heap = new List<long>();
        var sent = 0;
        var errors = 0;
        for (var start = 0; start < RequestsPerEndpoint; start += 2_000)
        {
            await Parallel.ForEachAsync(Enumerable.Range(start, 2_000), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, ct) =>
            {
                var request = generate(i);
                if (await SendAsync(http, request, ct) is not { } answer)
                {
                    return;
                }

                Interlocked.Increment(ref sent);
                var (status, text) = answer;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status >= 500 || status < 0)
                {
                    violations.Enqueue($"#{i}: HTTP {status} {text} | {request.Describe()}");
                }
                else if (status is >= 200 and < 300 && (request.Framing == BodyFraming.BrokenChunks || !mayBeAccepted(request, i)))
                {
                    violations.Enqueue($"#{i}: accepted without a valid signature for what was sent, with a key sent twice, or with broken chunks: {request.Describe()}");
                }
            });
            // The test host keeps every log record in memory: check this window's, then let them go,
            // so the heap measured is the app's.
            errors += app.Logs.GetSnapshot().Count(log => log.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
            app.Logs.Clear();
            heap.Add(GC.GetTotalMemory(forceFullCollection: true));
        }

        using var alive = await http.GetAsync(new Uri("/", UriKind.Relative));
        var accepted = statuses.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value);
        var summary = $"fuzz {name}: seed {Seed}, {sent} sent, " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value}×{s.Key}"))
            + $"; {accepted} accepted, {violations.Count} violations, {errors} errors logged; managed heap after each 2,000: {string.Join(" → ", heap.Select(h => (h / 1024 / 1024).ToString(CultureInfo.InvariantCulture) + " MB"))}";
        output.WriteLine(summary);
        Console.WriteLine(summary);

        Assert.True(violations.IsEmpty, string.Join('\n', violations.Take(20)) + $"\n(replay with FUZZ_SEED={Seed})");
        Assert.True(sent >= RequestsPerEndpoint * 9 / 10, $"only {sent} of {RequestsPerEndpoint} could be sent");
        Assert.True(alive.IsSuccessStatusCode, "the app no longer answers GET / after the run");
        Assert.Equal(0, errors);

        // Flat: the second half of the run may not grow the heap by more than a few MB.
        Assert.True(heap[^1] - heap[1] < 24 * 1024 * 1024, $"managed heap grew from {heap[1]} to {heap[^1]} bytes");
        return new FuzzRun(sent, accepted);
    }

    /// <summary>The answer's status and text; null when a mutated header cannot be put on the wire at all.</summary>
    private static async Task<(int Status, string Text)?> SendAsync(HttpClient http, FuzzRequest request, CancellationToken cancellationToken)
    {
        if (request.Framing == BodyFraming.BrokenChunks)
        {
            return await BrokenChunkSender.SendAsync(http.BaseAddress!, request, cancellationToken);
        }

        using var message = request.ToHttpRequest();
        if (message is null)
        {
            return null;
        }

        try
        {
            using var response = await http.SendAsync(message, cancellationToken);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException exception) when (request.Framing == BodyFraming.Chunked && exception.GetBaseException() is System.Net.Sockets.SocketException)
        {
            // Refused on its headers and the connection closed while later chunks were still being written: a closed connection, not a failure.
            return (0, exception.GetBaseException().Message);
        }
    }

    private static bool GrantTypeIsClientCredentials(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("grantType", out var grantType)
                && grantType.ValueKind == JsonValueKind.String && grantType.GetString() == "client_credentials";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static byte[]? Decode(string signature)
    {
        if (signature.Length == 128)
        {
            try
            {
                return Convert.FromHexString(signature);
            }
            catch (FormatException)
            {
            }
        }

        var buffer = new byte[signature.Length];
        return Convert.TryFromBase64String(signature, buffer, out var length) ? buffer[..length] : null;
    }

    private sealed record FuzzRun(int Sent, int Accepted);
}
