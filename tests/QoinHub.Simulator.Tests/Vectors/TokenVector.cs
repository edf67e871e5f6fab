namespace QoinHub.Simulator.Tests.Vectors;

/// <summary>An Access Token B2B signature; <see cref="StringToSign"/> is given for the valid ones only.</summary>
public sealed record TokenVector(string ClientKey, string Timestamp, string Signature, bool Valid, string? StringToSign = null, string? Why = null)
{
    public override string ToString() => $"{ClientKey} {Timestamp} ({(Valid ? "valid" : Why)})";
}
