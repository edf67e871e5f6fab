using System.Text.Json.Serialization;

namespace QoinHub.Merchant.Functions;

/// <summary>
/// The JSON the host's own endpoints write through minimal-API results (the readiness answer), as
/// source-generated metadata: reflection-based serialization is off in this app, native or not.
/// SNAP answers are written as bytes by the handlers and do not go through here.
/// </summary>
[JsonSerializable(typeof(string))]
internal sealed partial class FunctionsJsonContext : JsonSerializerContext;
