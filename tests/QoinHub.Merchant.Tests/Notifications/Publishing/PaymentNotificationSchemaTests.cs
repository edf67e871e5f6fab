using System.Text.Json.Nodes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using QoinHub.Merchant.Notifications;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>
/// The published JSON Schema (docs/schemas, copied to the test output) against envelopes the code
/// writes. NJsonSchema ignores <c>const</c>, which is why the schema says <c>enum</c> with one value.
/// </summary>
public sealed class PaymentNotificationSchemaTests
{
    private static readonly Lazy<Task<JsonSchema>> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "schemas", "payment-notification.v1.schema.json")));

    public static TheoryData<string> EnvelopeFields =>
        ["schemaVersion", "type", "messageId", "partnerId", "externalId", "channelId", "timestamp", "receivedAt", "notification"];

    public static TheoryData<string> SnapFields =>
        ["createdTime", "latestTransactionStatus", "originalPartnerReferenceNo", "originalReferenceNo", "transactionStatusDesc"];

    [Theory]
    [MemberData(nameof(NotificationSamples.Bodies), MemberType = typeof(NotificationSamples))]
    public async Task Envelope_validates_against_the_schema(string style, string body)
    {
        var message = NotificationEnvelope.Create(NotificationSamples.Input(body));

        var errors = await ValidateAsync(JsonNode.Parse(message.Envelope.Span)!);

        Assert.True(errors.Count == 0, $"{style}: {string.Join("; ", errors)}");
    }

    [Fact]
    public async Task Envelope_without_additional_info_and_with_unknown_fields_validates()
    {
        var envelope = EnvelopeNode();
        envelope["notification"]!.AsObject().Remove("additionalInfo");
        envelope["notification"]!["someFutureField"] = 1;
        envelope["someFutureEnvelopeField"] = "added in 1.1";
        envelope["schemaVersion"] = "1.1";

        Assert.Empty(await ValidateAsync(envelope));
    }

    [Theory]
    [MemberData(nameof(EnvelopeFields))]
    public async Task Envelope_missing_a_field_fails_the_schema(string field)
    {
        var envelope = EnvelopeNode();
        Assert.True(envelope.AsObject().Remove(field));

        var errors = await ValidateAsync(envelope);

        Assert.Contains(errors, e => e.Kind == ValidationErrorKind.PropertyRequired && e.Property == field);
    }

    [Theory]
    [MemberData(nameof(SnapFields))]
    public async Task Notification_missing_a_snap_field_fails_the_schema(string field)
    {
        var envelope = EnvelopeNode();
        Assert.True(envelope["notification"]!.AsObject().Remove(field));

        var errors = await ValidateAsync(envelope);

        Assert.Contains(errors, e => e.Kind == ValidationErrorKind.PropertyRequired && e.Property == field);
    }

    [Theory]
    [InlineData("schemaVersion", "\"2.0\"")]
    [InlineData("schemaVersion", "1.0")]
    [InlineData("type", "\"qoinhub.payment-notification.credit\"")]
    [InlineData("messageId", "\"79A8D4008B8B8579E324D51BA5A40D666DE8766D9CFCDC521E27AC17BCE25840\"")]
    [InlineData("messageId", "\"79a8d400\"")]
    [InlineData("partnerId", "\"\"")]
    [InlineData("externalId", "418075533589")]
    [InlineData("receivedAt", "\"2024-08-23T07:44:20.512+07:00\"")]
    [InlineData("receivedAt", "\"2024-08-23T00:44:20Z\"")]
    [InlineData("notification", "\"{}\"")]
    [InlineData("notification.latestTransactionStatus", "\"0A\"")]
    [InlineData("notification.latestTransactionStatus", "\"100\"")]
    [InlineData("notification.latestTransactionStatus", "0")]
    [InlineData("notification.originalReferenceNo", "\"\"")]
    [InlineData("notification.additionalInfo", "\"none\"")]
    [InlineData("notification.additionalInfo", "[]")]
    public async Task Wrong_value_fails_the_schema(string path, string json)
    {
        var envelope = EnvelopeNode();
        var parts = path.Split('.');
        var parent = parts.Length == 2 ? envelope[parts[0]]!.AsObject() : envelope;
        parent[parts[^1]] = JsonNode.Parse(json);

        Assert.NotEmpty(await ValidateAsync(envelope));
    }

    [Fact]
    public async Task Schema_example_validates_and_its_message_id_is_the_one_the_code_computes()
    {
        var schemaText = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "schemas", "payment-notification.v1.schema.json"));
        var example = JsonNode.Parse(schemaText)!["examples"]![0]!;

        Assert.Empty(await ValidateAsync(example));
        Assert.Equal(
            NotificationEnvelope.MessageIdFor(
                (string)example["partnerId"]!,
                (string)example["notification"]!["originalReferenceNo"]!,
                (string)example["notification"]!["latestTransactionStatus"]!),
            (string)example["messageId"]!);
    }

    private static JsonNode EnvelopeNode() => JsonNode.Parse(NotificationSamples.Message().Envelope.Span)!;

    private static async Task<ICollection<ValidationError>> ValidateAsync(JsonNode envelope)
    {
        var schema = await Schema.Value;

        // Parsed without Newtonsoft's date conversion, so date-like strings stay the strings we wrote.
        using var reader = new JsonTextReader(new StringReader(envelope.ToJsonString())) { DateParseHandling = DateParseHandling.None };
        return schema.Validate(JToken.Load(reader));
    }
}
