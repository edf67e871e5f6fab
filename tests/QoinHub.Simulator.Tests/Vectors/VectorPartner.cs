namespace QoinHub.Simulator.Tests.Vectors;

/// <summary>The partner every vector was made for (test keys and secret only).</summary>
public sealed record VectorPartner(string ClientId, string ClientSecret, string PublicKeyPem, string PrivateKeyPem);
