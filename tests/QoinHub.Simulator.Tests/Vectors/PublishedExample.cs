namespace QoinHub.Simulator.Tests.Vectors;

/// <summary>The token signature example QoinHub publishes, with the public key that verifies it.</summary>
public sealed record PublishedExample(string ClientKey, string Timestamp, string Signature, string PublicKeyPem, bool Valid);
