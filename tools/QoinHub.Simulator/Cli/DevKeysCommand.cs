using System.CommandLine;
using QoinHub.Simulator.Credentials;

namespace QoinHub.Simulator.Cli;

/// <summary><c>dev-keys</c>: development credentials for the local app and the app settings that register them.</summary>
public static class DevKeysCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Directory to write into (one subdirectory per client id)", DefaultValueFactory = _ => ".dev" };
        var force = new Option<bool>("--force") { Description = "Replace existing keys and secrets" };
        var command = new Command("dev-keys", $"Writes a key pair and client secret for {DevKeys.PrimaryClientId} and {DevKeys.SecondaryClientId}, and prints the app settings that use them")
        {
            output,
            force,
        };
        command.SetAction(result => SimulatorCommandLine.GuardAsync(() =>
        {
            var partners = DevKeys.Write(result.GetValue(output)!, result.GetValue(force));

            // Settings on stdout (KEY=VALUE, nothing else) so scripts can read them; the rest on stderr.
            Console.Error.WriteLine($"Wrote development credentials under {Path.GetFullPath(result.GetValue(output)!)}:");
            foreach (var partner in partners)
            {
                Console.Error.WriteLine($"  {partner.ClientId}: {partner.PrivateKeyPath}, {partner.PublicKeyPath}, {partner.ClientSecretPath}");
            }

            Console.Error.WriteLine("App settings (environment variables) that register them with the local app:");
            foreach (var (key, value) in DevKeys.AppSettings(partners))
            {
                Console.Out.WriteLine($"{key}={value}");
            }

            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }
}
