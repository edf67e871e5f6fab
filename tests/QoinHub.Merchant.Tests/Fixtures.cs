using System.Text.Json;

namespace QoinHub.Merchant.Tests;

/// <summary>Files under tests/QoinHub.Merchant.Tests/fixtures, copied to the test output.</summary>
internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    /// <summary>
    /// Signatures made by an independent implementation (Node.js crypto). Never regenerate them
    /// from this project's code: they exist to catch it disagreeing with other implementations.
    /// </summary>
    public static SnapVectors Vectors { get; } = SnapVectors.Load(PathOf("snap-vectors.json"));
}

internal sealed class SnapVectors
{
    private SnapVectors(JsonDocument document) => Document = document;

    public JsonDocument Document { get; }

    public JsonElement Partner => Document.RootElement.GetProperty("partner");

    public string ClientId => Partner.GetProperty("clientId").GetString()!;

    public string ClientSecret => Partner.GetProperty("clientSecret").GetString()!;

    public string PublicKeyPem => Partner.GetProperty("publicKeyPem").GetString()!;

    public string PrivateKeyPem => Partner.GetProperty("privateKeyPem").GetString()!;

    public IEnumerable<JsonElement> TokenRequests => Document.RootElement.GetProperty("tokenRequests").EnumerateArray();

    public IEnumerable<JsonElement> Notifications => Document.RootElement.GetProperty("notifications").EnumerateArray();

    public JsonElement PublishedExample => Document.RootElement.GetProperty("publishedExamples");

    public static SnapVectors Load(string path) => new(JsonDocument.Parse(File.ReadAllBytes(path)));

    public static TheoryData<int> Indexes(string array)
    {
        var data = new TheoryData<int>();
        var count = Fixtures.Vectors.Document.RootElement.GetProperty(array).GetArrayLength();
        for (var i = 0; i < count; i++)
        {
            data.Add(i);
        }

        return data;
    }
}
