using System.Text.Json.Nodes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace QoinHub.OrderConsumer.Tests.Infrastructure;

/// <summary>docs/schemas/payment-notification.v1.schema.json (copied to the test output), as the app's own schema tests read it.</summary>
internal static class EnvelopeSchema
{
    public static readonly string Path = System.IO.Path.Combine(AppContext.BaseDirectory, "schemas", "payment-notification.v1.schema.json");

    private static readonly Lazy<Task<JsonSchema>> Schema = new(() => JsonSchema.FromFileAsync(Path));

    public static async Task<ICollection<ValidationError>> ValidateAsync(string json)
    {
        var schema = await Schema.Value;

        // Without Newtonsoft's date conversion, so date-like strings stay the strings written.
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return schema.Validate(JToken.Load(reader));
    }

    public static Task<ICollection<ValidationError>> ValidateAsync(JsonNode envelope) => ValidateAsync(envelope.ToJsonString());

    /// <summary>Fails the test unless the envelope is valid: what the tests send as good messages must be what the schema promises.</summary>
    public static async Task AssertValidAsync(JsonNode envelope)
    {
        var errors = await ValidateAsync(envelope);
        Assert.True(errors.Count == 0, "The test's envelope does not match the schema: " + string.Join("; ", errors));
    }
}
