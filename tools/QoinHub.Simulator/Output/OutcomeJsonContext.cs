using System.Text.Json.Serialization;
using QoinHub.Simulator.Load;

namespace QoinHub.Simulator.Output;

/// <summary>One compact JSON object per line (JSON Lines).</summary>
[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NotificationOutcome))]
internal sealed partial class OutcomeJsonContext : JsonSerializerContext;
