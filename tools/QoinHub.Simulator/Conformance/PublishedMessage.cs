using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QoinHub.Simulator.Conformance;

/// <summary>
/// A message found on the local queue: its text and, when it is the app's envelope (Base64 of
/// UTF-8 JSON, or the JSON itself), the envelope's fields. The text is the Base64-decoded one
/// only when that is UTF-8: plain words that happen to be valid Base64 stay as they were.
/// </summary>
public sealed record PublishedMessage(string Text, JsonObject? Envelope)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written))
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
