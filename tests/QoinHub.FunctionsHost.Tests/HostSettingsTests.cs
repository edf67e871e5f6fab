namespace QoinHub.FunctionsHost.Tests;

/// <summary>App settings as the host reads them (environment first, then local.settings.json) and <c>%name%</c> in bindings.</summary>
public sealed class HostSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functionshost-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Percent_names_resolve_from_the_settings_and_a_missing_one_is_named()
    {
        var settings = new Dictionary<string, string> { ["OutboxRelaySchedule"] = "0 */1 * * * *", ["Outbox__Relay"] = "x" };

        Assert.Equal("0 */1 * * * *", HostSettings.Resolve("%OutboxRelaySchedule%", settings, out var none));
        Assert.Null(none);
        Assert.Equal("x", HostSettings.Resolve("%Outbox:Relay%", settings, out _));
        Assert.Equal("0 */1 * * * *", HostSettings.Resolve("0 */1 * * * *", settings, out _));
        Assert.Null(HostSettings.Resolve("%RetentionSchedule%", settings, out var unresolved));
        Assert.Equal("RetentionSchedule", unresolved);
    }

    [Fact]
    public void Local_settings_values_fill_in_what_the_environment_does_not_set()
    {
        var name = "FUNCTIONSHOST_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "from the environment");
        try
        {
            File.WriteAllText(Path.Combine(_directory, "local.settings.json"), $$"""
                {
                  "IsEncrypted": false,
                  "Values": { "{{name}}": "from the file", "{{name}}_ONLY": "file only", "{{name}}_NUMBER": 5 }
                }
                """);

            var settings = HostSettings.Read(_directory);

            Assert.Equal("from the environment", settings[name]);
            Assert.Equal("file only", settings[name + "_ONLY"]);
            Assert.Equal("5", settings[name + "_NUMBER"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Encrypted_or_malformed_local_settings_are_refused_naming_the_file()
    {
        var path = Path.Combine(_directory, "local.settings.json");
        File.WriteAllText(path, """{ "IsEncrypted": true, "Values": {} }""");
        Assert.Contains("encrypted", Assert.Throws<InvalidOperationException>(() => HostSettings.Read(_directory)).Message, StringComparison.Ordinal);

        File.WriteAllText(path, "{ not json");
        Assert.Contains(path, Assert.Throws<InvalidOperationException>(() => HostSettings.Read(_directory)).Message, StringComparison.Ordinal);
    }
}
