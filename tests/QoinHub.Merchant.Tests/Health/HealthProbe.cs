using System.Net;
using System.Text.Json;

namespace QoinHub.Merchant.Tests.Health;

/// <summary>One call of <c>GET /api/health</c>: the status, the raw body and the parsed report.</summary>
internal sealed record HealthProbe(HttpStatusCode Status, string Body, JsonElement Report)
{
    public static async Task<HealthProbe> GetAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var document = JsonDocument.Parse(body);
        return new HealthProbe(response.StatusCode, body, document.RootElement.Clone());
    }

    /// <summary>Asks again until every dependency is up (a dependency that just came back may need a new connection), within <paramref name="bound"/>.</summary>
    public static async Task<HealthProbe> EventuallyHealthyAsync(HttpClient http, TimeSpan bound, params string[] dependencies)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var probe = await GetAsync(http);
            if (probe.Status == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return probe.AssertHealthy(dependencies);
            }

            await Task.Delay(100);
        }
    }

    public string Overall => Report.GetProperty("status").GetString()!;

    public IReadOnlyList<string> Names => [.. Report.GetProperty("dependencies").EnumerateObject().Select(p => p.Name)];

    public JsonElement Dependency(string name) => Report.GetProperty("dependencies").GetProperty(name);

    public string StatusOf(string name) => Dependency(name).GetProperty("status").GetString()!;

    public string? ReasonOf(string name) => Dependency(name).TryGetProperty("reason", out var reason) ? reason.GetString() : null;

    public string? NoteOf(string name) => Dependency(name).TryGetProperty("note", out var note) ? note.GetString() : null;

    /// <summary>Asserts the answer is 200 "healthy" with every dependency up and a latency each.</summary>
    public HealthProbe AssertHealthy(params string[] dependencies)
    {
        Assert.True(Status == HttpStatusCode.OK, Body);
        Assert.Equal("healthy", Overall);
        Assert.Equal(dependencies.Order(StringComparer.Ordinal), Names.Order(StringComparer.Ordinal));
        foreach (var name in dependencies)
        {
            Assert.Equal("up", StatusOf(name));
            Assert.True(Dependency(name).GetProperty("latencyMs").GetInt64() >= 0);
            Assert.Null(ReasonOf(name));
        }

        Assert.True(Report.GetProperty("checkedAt").TryGetDateTimeOffset(out _), Body);
        return this;
    }

    /// <summary>Asserts the answer is 503 "unhealthy" with exactly <paramref name="down"/> down, each with a reason.</summary>
    public HealthProbe AssertUnhealthy(params string[] down)
    {
        Assert.True(Status == HttpStatusCode.ServiceUnavailable, Body);
        Assert.Equal("unhealthy", Overall);
        Assert.Equal(down.Order(StringComparer.Ordinal), Names.Where(name => StatusOf(name) == "down").Order(StringComparer.Ordinal));
        Assert.All(down, name => Assert.False(string.IsNullOrWhiteSpace(ReasonOf(name)), Body));
        Assert.All(Names.Except(down), name => Assert.Equal("up", StatusOf(name)));
        return this;
    }
}
