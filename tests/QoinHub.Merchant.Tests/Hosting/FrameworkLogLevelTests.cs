using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Hosting;

/// <summary>
/// ASP.NET Core's per-request Information logs are off by default (they cost more CPU than the call),
/// the app's own Information logs stay, and a setting turns the framework's back on.
/// </summary>
public sealed class FrameworkLogLevelTests : IDisposable
{
    private readonly RSA _key = SnapClient.VectorPrivateKey();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task By_default_an_accepted_notification_logs_the_apps_lines_and_no_framework_information()
    {
        await using var app = new AppWithDefaultLogLevels([]);
        var logs = await SendAcceptedNotificationAsync(app, "T-framework-logs-1", "810001");

        Assert.Contains(logs, record => record.Id.Id == LogEvents.NotificationAccepted && record.Level == LogLevel.Information);
        Assert.DoesNotContain(logs, record => record.Category?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true && record.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task A_setting_turns_the_framework_request_logs_back_on()
    {
        await using var app = new AppWithDefaultLogLevels([new("Logging:LogLevel:Microsoft.AspNetCore", "Information")]);
        var logs = await SendAcceptedNotificationAsync(app, "T-framework-logs-2", "810002");

        Assert.Contains(logs, record => record.Id.Id == LogEvents.NotificationAccepted);
        Assert.Contains(logs, record => record.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && record.Level == LogLevel.Information);
    }

    private async Task<IReadOnlyList<Microsoft.Extensions.Logging.Testing.FakeLogRecord>> SendAcceptedNotificationAsync(SnapAppFactory app, string reference, string externalId)
    {
        var client = new SnapClient(app.CreateClient(), app.Clock);
        var token = await client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        using var request = client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, externalId, SnapClient.NotificationBody(reference));
        using var response = await client.Http.SendAsync(request);
        Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        return app.Logs.GetSnapshot();
    }

    /// <summary>The app with its own log levels: nothing added for the framework's records.</summary>
    private sealed class AppWithDefaultLogLevels(IEnumerable<KeyValuePair<string, string?>> settings) : SnapAppFactory
    {
        protected override bool CapturesFrameworkLogs => false;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => settings;
    }
}
