using System.Text.Json;

namespace QoinHub.Simulator.Tests.Vectors;

/// <summary>
/// <c>fixtures/snap-vectors.json</c>, made with Node.js crypto outside this repository's .NET code,
/// so that agreeing with it means agreeing with SNAP rather than with ourselves.
/// </summary>
public sealed record SnapVectorFile(
    VectorPartner Partner,
    IReadOnlyList<TokenVector> TokenRequests,
    IReadOnlyList<NotificationVector> Notifications,
    PublishedExample PublishedExamples)
{
    // A missing field fails the load instead of reading as null.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { RespectRequiredConstructorParameters = true };

    private static readonly Lazy<SnapVectorFile> Loaded = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "snap-vectors.json");
        return JsonSerializer.Deserialize<SnapVectorFile>(File.ReadAllBytes(path), Options)
            ?? throw new InvalidDataException($"{path} holds no vectors.");
    });

    public static SnapVectorFile Instance => Loaded.Value;

    public NotificationVector Notification(string name) => Notifications.Single(vector => vector.Name == name);
}
