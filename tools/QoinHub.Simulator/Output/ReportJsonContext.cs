using System.Text.Json.Serialization;
using QoinHub.Simulator.Conformance;
using QoinHub.Simulator.Load;

namespace QoinHub.Simulator.Output;

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ConformanceReport))]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
