using System.Text.Json;

namespace QoinHub.FunctionsHost.Worker;

/// <summary>
/// The worker description the Worker SDK writes beside the app (worker.config.json): what to run
/// (<c>defaultExecutablePath</c>, e.g. <c>dotnet</c>), with what (<c>defaultWorkerPath</c>, the app's
/// assembly) and how the host finds the functions (<c>workerIndexing</c>).
/// </summary>
public sealed record WorkerConfig(string Language, string ExecutablePath, string WorkerPath, IReadOnlyList<string> Arguments, bool WorkerIndexing)
{
    public const string FileName = "worker.config.json";

    /// <exception cref="InvalidOperationException">The file is missing or not a worker description.</exception>
    public static WorkerConfig Read(string applicationDirectory)
    {
        var path = Path.Combine(applicationDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: {applicationDirectory} is not a built isolated-worker app (dotnet build or publish writes it).");
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!document.RootElement.TryGetProperty("description", out var description))
        {
            throw new InvalidOperationException($"{path} has no \"description\".");
        }

        string? Text(string name) => description.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var arguments = description.TryGetProperty("arguments", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(item => item.GetString() ?? string.Empty).ToList()
            : [];
        var indexing = description.TryGetProperty("workerIndexing", out var flag)
            && (flag.ValueKind == JsonValueKind.True || (flag.ValueKind == JsonValueKind.String && bool.TryParse(flag.GetString(), out var parsed) && parsed));
        return new WorkerConfig(
            Text("language") ?? "dotnet-isolated",
            Text("defaultExecutablePath") ?? throw new InvalidOperationException($"{path} has no defaultExecutablePath."),
            Text("defaultWorkerPath") ?? throw new InvalidOperationException($"{path} has no defaultWorkerPath."),
            arguments,
            indexing);
    }
}
