using System.CommandLine;

namespace QoinHub.OperatorTool.Cli;

/// <summary>
/// Where the ledger is: options that override the app's settings of the same meaning (which the
/// tool reads from the environment like the app does). Given once on the root, valid for every command.
/// </summary>
public sealed class StorageCliOptions
{
    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = "Storage account connection string (default: env Storage__ConnectionString, else local Azurite). Prefer the environment variable: it stays out of the shell history",
        Recursive = true,
    };

    public Option<string?> TableServiceUri { get; } = new("--table-service-uri")
    {
        Description = "Table service URI used with DefaultAzureCredential, https://{account}.table.core.windows.net (default: env Storage__TableServiceUri); wins over the connection string",
        Recursive = true,
    };

    public Option<string?> Table { get; } = new("--table")
    {
        Description = "The notification ledger's table (default: env Storage__NotificationTable, else snapnotifications)",
        Recursive = true,
    };

    public Option<string?> TokenTable { get; } = new("--token-table")
    {
        Description = "The issued tokens' table, for retention (default: env Storage__TokenTable, else snaptokens)",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(ConnectionString);
        command.Options.Add(TableServiceUri);
        command.Options.Add(Table);
        command.Options.Add(TokenTable);
    }

    /// <summary>The settings the options override, keyed as the app's configuration.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Overrides(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(ConnectionString) is { } connectionString)
        {
            yield return new("Storage:ConnectionString", connectionString);
        }

        if (result.GetValue(TableServiceUri) is { } tableServiceUri)
        {
            yield return new("Storage:TableServiceUri", tableServiceUri);
        }

        if (result.GetValue(Table) is { } table)
        {
            yield return new("Storage:NotificationTable", table);
        }

        if (result.GetValue(TokenTable) is { } tokenTable)
        {
            yield return new("Storage:TokenTable", tokenTable);
        }
    }
}
