namespace QoinHub.Simulator.Tests.Vectors;

/// <summary>
/// A Payment Notification Debit as received (<see cref="Body"/> on <see cref="Path"/>) and what the
/// sender signed (<see cref="StringToSign"/>, over <see cref="SignedPath"/>). For invalid vectors the
/// string to sign is the one made before the request was altered.
/// </summary>
public sealed record NotificationVector(
    string Name,
    string Body,
    string Timestamp,
    string AccessToken,
    string Path,
    string SignedPath,
    string StringToSign,
    string Signature,
    bool Valid,
    string? Why = null)
{
    /// <summary>The vectors give the MAC either as 128 lowercase hex digits or in Base64.</summary>
    public bool IsHexSignature => Signature.Length == 128 && Signature.All(char.IsAsciiHexDigitLower);
}
