using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Tests.Hosting;
using QoinHub.Merchant.Retention;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// A retention shorter than a retry or replay can arrive would let a replay publish again. The app
/// refuses to start with it, naming the setting, rather than fail its first retention run hours
/// after a deployment that looked healthy.
/// </summary>
public sealed class RetentionSettingsTests
{
    [Theory]
    [InlineData("Retention:Notifications", "1.23:59:59")]
    [InlineData("Retention:Notifications", "00:00:00")]
    [InlineData("Retention:TokensAfterExpiry", "-00:00:01")]
    [InlineData("Retention:MaxRowsPerRun", "0")]
    public void App_with_a_retention_setting_out_of_range_refuses_to_start_naming_the_setting(string setting, string value)
    {
        // The app's own composition and start-up check, as Program.cs runs them.
        using var host = AppComposition.Build(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = AzuriteServer.Instance.ConnectionString,
            ["Outbox:MacKeyId"] = OutboxMacTestKey.KeyId,
            ["Outbox:MacKeys:" + OutboxMacTestKey.KeyId] = OutboxMacTestKey.Key,
            ["LocalQueue:Name"] = "retention-settings",
            ["Partners:0:ClientId"] = Fixtures.Vectors.ClientId,
            ["Partners:0:PublicKeys:0"] = Fixtures.Vectors.PublicKeyPem,
            ["Partners:0:ClientSecrets:0"] = Fixtures.Vectors.ClientSecret,
            [setting] = value,
        });

        var refused = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(setting, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_with_Retention_Notifications_of_exactly_two_days_starts_and_runs_retention()
    {
        await using var app = new RetentionSettingAppFactory("Retention:Notifications", "2.00:00:00");

        var run = await app.Services.GetRequiredService<RetentionJob>().RunOnceAsync(preview: true, CancellationToken.None);

        Assert.Equal(app.Clock.GetUtcNow() - TimeSpan.FromDays(2), run.NotificationsReceivedBefore);
    }

    private sealed class RetentionSettingAppFactory(string setting, string value) : SnapAppFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new(setting, value)];
    }
}
