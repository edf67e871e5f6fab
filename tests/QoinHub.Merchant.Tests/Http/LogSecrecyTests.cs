using System.Security.Cryptography;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>Captures every log line of a run of accepted and refused calls and looks for secrets in them.</summary>
public sealed class LogSecrecyTests : IDisposable
{
    private readonly RSA _key = SnapClient.VectorPrivateKey();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task No_token_signature_or_secret_appears_in_logs_or_queue_messages()
    {
        await using var app = new SnapAppFactory();
        var client = new SnapClient(app.CreateClient(), app.Clock);
        var secrets = new List<string> { Fixtures.Vectors.ClientSecret, app.OtherClientSecret };

        // Accepted and refused token requests.
        using (var request = client.TokenRequest(_key, Fixtures.Vectors.ClientId))
        {
            secrets.Add(request.Headers.GetValues(SnapHeaders.Signature).Single());
            using var response = await client.Http.SendAsync(request);
            secrets.Add((await SnapClient.ReadAsync(response)).Body.GetProperty("accessToken").GetString()!);
        }

        using (var request = client.TokenRequest(app.OtherPrivateKey, Fixtures.Vectors.ClientId))
        {
            secrets.Add(request.Headers.GetValues(SnapHeaders.Signature).Single());
            using var response = await client.Http.SendAsync(request);
            Assert.Equal("4007302", (await SnapClient.ReadAsync(response)).Code);
        }

        var token = secrets[^2];

        // Accepted, replayed, refused and conflicting notifications.
        var sent = new List<(string Body, string ExternalId, string Secret, string Token)>
        {
            (SnapClient.NotificationBody("T-logs-1"), "700001", Fixtures.Vectors.ClientSecret, token),
            (SnapClient.NotificationBody("T-logs-1"), "700001", Fixtures.Vectors.ClientSecret, token),
            (SnapClient.NotificationBody("T-logs-1", "06"), "700001", Fixtures.Vectors.ClientSecret, token),
            (SnapClient.NotificationBody("T-logs-2"), "700002", "wrong-secret-value", token),
            (SnapClient.NotificationBody("T-logs-3"), "700003", Fixtures.Vectors.ClientSecret, "forged-token-value-123456"),
        };
        secrets.Add("wrong-secret-value");
        secrets.Add("forged-token-value-123456");
        foreach (var (body, externalId, secret, bearer) in sent)
        {
            using var request = client.NotifyRequest(bearer, secret, Fixtures.Vectors.ClientId, externalId, body);
            secrets.Add(request.Headers.GetValues(SnapHeaders.Signature).Single());
            using var response = await client.Http.SendAsync(request);
            Assert.NotEqual(500, (int)response.StatusCode);
        }

        var logs = app.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.Contains(logs, record => record.Message.Contains("accepted", StringComparison.Ordinal));
        var text = string.Join('\n', logs.Select(record => record.Message + " " + record.Exception + " " +
            string.Join(' ', record.StructuredState?.Select(pair => pair.Value) ?? [])));
        var messages = await QueueReader.DrainAsync(app.StorageConnectionString, app.QueueName);
        Assert.Single(messages);
        var queued = string.Join('\n', messages.Select(QueueReader.RawText));

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, queued, StringComparison.Ordinal);
        }
    }
}
