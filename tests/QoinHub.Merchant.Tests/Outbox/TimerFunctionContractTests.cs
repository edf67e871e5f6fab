using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// The timer functions as the Functions host invokes a custom handler: a POST of an invocation
/// request to <c>/{FunctionName}</c>, answered 200 with an invocation response
/// (<c>Outputs</c>, <c>Logs</c>, <c>ReturnValue</c>) when the function did its work, and any other
/// status when it failed, so the host records a failed invocation.
/// </summary>
public sealed class TimerFunctionContractTests : IAsyncLifetime, IDisposable
{
    private static readonly string Partner = Fixtures.Vectors.ClientId;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private readonly ProxiedStorageAppFactory _app = new();
    private SnapClient _client = null!;

    public Task InitializeAsync()
    {
        _client = new SnapClient(_app.CreateClient(), _app.Clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task OutboxRelay_invocation_relays_a_due_record_and_answers_an_invocation_response()
    {
        var token = await _client.GetTokenAsync(_key, Partner);
        var messageId = NotificationEnvelope.MessageIdFor(Partner, "T-timer-relay", "00");
        _app.Queues.IsUp = false;
        using (var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Partner, "750001", SnapClient.NotificationBody("T-timer-relay")))
        using (var response = await _client.Http.SendAsync(request))
        {
            Assert.Equal("5005600", (await SnapClient.ReadAsync(response)).Code);
        }

        _app.Queues.IsUp = true;
        _app.Clock.Advance(TimeSpan.FromMinutes(3));

        var (status, logs) = await InvokeAsync("OutboxRelay");

        Assert.Equal(200, status);
        Assert.Contains(logs, log => log.Contains("1 published", StringComparison.Ordinal));
        var message = Assert.Single(await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, _app.QueueName));
        Assert.Equal(messageId, message.GetProperty("messageId").GetString());
        Assert.Equal("Published", await _app.Ledger.StateAsync(messageId));
    }

    [Fact]
    public async Task Retention_invocation_answers_an_invocation_response()
    {
        var (status, logs) = await InvokeAsync("Retention");

        Assert.Equal(200, status);
        Assert.Contains(logs, log => log.StartsWith("retention: deleted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OutboxRelay")]
    [InlineData("Retention")]
    public async Task Invocation_while_the_tables_are_unreachable_fails_and_the_next_one_succeeds(string function)
    {
        // The tables exist and the app has used them, so only the outage can fail the invocation.
        await _client.GetTokenAsync(_key, Partner);
        Assert.Equal(200, (await InvokeAsync(function)).Status);

        _app.Tables.IsUp = false;
        var (failed, logs) = await InvokeAsync(function);
        Assert.NotEqual(200, failed);
        Assert.Contains(logs, log => log.Contains(function + " failed", StringComparison.Ordinal));

        _app.Tables.IsUp = true;
        Assert.Equal(200, (await InvokeAsync(function)).Status);
    }

    /// <summary>
    /// Posts what the Functions host posts for a timer trigger named <c>timer</c> (function.json)
    /// and checks the answer is an invocation response; returns its status and log lines.
    /// </summary>
    private async Task<(int Status, List<string> Logs)> InvokeAsync(string function)
    {
        var now = _app.Clock.GetUtcNow();
        var invocation = $$"""
            {
              "Data": {
                "timer": {
                  "Schedule": { "AdjustForDST": true },
                  "ScheduleStatus": {
                    "Last": "{{Iso(now.AddMinutes(-1))}}",
                    "Next": "{{Iso(now.AddMinutes(1))}}",
                    "LastUpdated": "{{Iso(now.AddMinutes(-1))}}"
                  },
                  "IsPastDue": false
                }
              },
              "Metadata": {
                "sys": { "MethodName": "{{function}}", "UtcNow": "{{Iso(now)}}", "RandGuid": "{{Guid.NewGuid()}}" }
              }
            }
            """;
        using var content = new StringContent(invocation, Encoding.UTF8, "application/json");
        using var response = await _client.Http.PostAsync(new Uri("/" + function, UriKind.Relative), content);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal(JsonValueKind.Object, root.GetProperty("Outputs").ValueKind);
        Assert.True(root.TryGetProperty("ReturnValue", out _), "The invocation response has no ReturnValue.");
        var logs = root.GetProperty("Logs").EnumerateArray().Select(log => log.GetString()!).ToList();
        Assert.NotEmpty(logs);
        return ((int)response.StatusCode, logs);
    }

    private static string Iso(DateTimeOffset moment) => moment.ToString("O", CultureInfo.InvariantCulture);
}
