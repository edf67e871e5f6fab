using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

namespace QoinHub.Merchant.EndToEnd.Tests.BadInput;

/// <summary>A bad setting stops the app at once: one line naming the setting (never its value), a non-zero exit, no stack trace.</summary>
public sealed class StartupSettingsTests
{
    private const string Secret = "startup-test-secret-never-printed";

    public static TheoryData<string, string?, string> BadSettings => new()
    {
        { "Snap__TokenLifetime", "-00:05:00", "Snap:TokenLifetime" },
        { "Snap__TimestampTolerance", "banana", "Snap:TimestampTolerance" },
        { "Snap__MaxTokensPerMinute", "0", "Snap:MaxTokensPerMinute" },
        { "Outbox__RelayAfter", "-00:00:01", "Outbox:RelayAfter" },
        { "Retention__Notifications", "1.00:00:00", "Retention:Notifications" },
        { "Partners__0__PublicKeys__0", "/no/such/key-file.pem", "Partners:0:PublicKeys:0" },
        { "Partners__0__PublicKeys__0", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----", "Partners:0:PublicKeys:0" },
        { "Partners__0__ClientId", null, "Partners" },
        { "LocalQueue__Name", "Not_A_Queue", "LocalQueue:Name" },
        { "Outbox__MacKeys__test", "c2hvcnQ=", "Outbox:MacKeys:test" },
        { "Outbox__MacKeyId", null, "Outbox:MacKeyId" },

        // A sample's placeholder left in place is not a secret (local.settings.sample.json has one).
        { "Partners__0__ClientSecrets__0", "paste the content of .dev/dev-qoinhub/client-secret.txt", "Partners:0:ClientSecrets:0" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Bad_setting_stops_start_up_with_one_line_naming_it(string name, string? value, string settingNamed)
    {
        using var credentials = await DevCredentials.CreateAsync();
        var settings = new Dictionary<string, string>(credentials.AppSettings, StringComparer.Ordinal)
        {
            ["Partners__0__ClientSecrets__0"] = Secret,
            ["Storage__ConnectionString"] = "UseDevelopmentStorage=true",
        };
        if (value is null)
        {
            // No partner at all, or the one setting left out.
            var removed = name.StartsWith("Partners__", StringComparison.Ordinal) ? "Partners__" : name;
            foreach (var key in settings.Keys.Where(key => key.StartsWith(removed, StringComparison.Ordinal)).ToList())
            {
                settings.Remove(key);
            }
        }
        else
        {
            settings[name] = value;
        }

        using var app = ChildProcess.StartApp(["--port", "0"], settings);
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode != 0, $"exit code {exitCode}:\n{app.AllOutput}");
        var lines = app.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("Start-up refused: ", line, StringComparison.Ordinal);
        Assert.Contains(settingNamed, line, StringComparison.Ordinal);
        Assert.Contains(settingNamed.Replace(":", "__", StringComparison.Ordinal), line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", app.AllOutput.Replace(" at most", string.Empty, StringComparison.Ordinal).Replace(" at least", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", app.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, app.AllOutput, StringComparison.Ordinal);
        if (value is { Length: > 3 } && !value.StartsWith("-----", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(value, app.AllOutput, StringComparison.Ordinal);
        }
    }
}
