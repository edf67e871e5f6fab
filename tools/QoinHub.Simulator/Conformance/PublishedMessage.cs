using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QoinHub.Simulator.Conformance;

/// <summary>
/// A message found on the local queue: its text and, when it is the app's envelope (Base64 of
/// UTF-8 JSON, or the JSON itself), the envelope's fields.
/// </summary>
public sealed record PublishedMessage(string Text, JsonObject? Envelope)
{
    public string? PartnerId => StringField("partnerId");

    public string? ExternalId => StringField("externalId");

    public string? ChannelId => StringField("channelId");

    public string? MessageId => StringField("messageId");

    public JsonNode? Notification => Envelope?["notification"];

    public static PublishedMessage Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var json = TryBase64(text) ?? text;
        try
        {
            return new PublishedMessage(json, JsonNode.Parse(json) as JsonObject);
        }
        catch (JsonException)
        {
            return new PublishedMessage(json, null);
        }
    }

    public string? StringField(string name) =>
        Envelope?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
    }
}
