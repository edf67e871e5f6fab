using System.CommandLine;
using QoinHub.Simulator.Http;

namespace QoinHub.Simulator.Cli;

/// <summary><c>--base-url</c> and <c>--timeout</c>: where every request of a command goes.</summary>
public sealed class EndpointOptions
{
    public const string DefaultBaseUrl = "http://127.0.0.1:7071";

    public Option<string> BaseUrl { get; } = new("--base-url")
    {
        Description = "The merchant's base URL; requests go to <base>/api/v1.0/... and nowhere else",
        DefaultValueFactory = _ => DefaultBaseUrl,
    };

    public Option<string> Timeout { get; } = new("--timeout")
    {
        Description = "How long to wait for each answer (e.g. 30s, 2m)",
        DefaultValueFactory = _ => "30s",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(BaseUrl);
        command.Options.Add(Timeout);
    }

    /// <summary>The endpoint and the client it sends with (the caller disposes the client).</summary>
    public (SnapEndpoint Endpoint, HttpClient Http) Create(ParseResult result, TimeProvider clock, int maxConnections = 8)
    {
        ArgumentNullException.ThrowIfNull(result);
        Uri baseUrl;
        try
        {
            baseUrl = SnapEndpoint.ParseBaseUrl(result.GetValue(BaseUrl)!);
        }
        catch (ArgumentException exception)
        {
            throw new UsageException(exception.Message, exception);
        }

        if (!Durations.TryParse(result.GetValue(Timeout), out var timeout))
        {
            throw new UsageException($"--timeout '{result.GetValue(Timeout)}' is not a duration such as 30s or 2m.");
        }

        var http = SnapEndpoint.CreateHttpClient(timeout, maxConnections);
        return (new SnapEndpoint(http, baseUrl, clock), http);
    }
}
