namespace QoinHub.Simulator.Protocol;

/// <summary>
/// A token the endpoint issued. The endpoint started its <see cref="ExpiresIn"/> between
/// <see cref="RequestedAt"/> and <see cref="ReceivedAt"/>: <see cref="ExpiresAt"/> is the earliest
/// moment it may expire, <see cref="ReceivedAt"/> + <see cref="ExpiresIn"/> the latest.
/// </summary>
public sealed record ObtainedToken(string AccessToken, TimeSpan ExpiresIn, DateTimeOffset RequestedAt, DateTimeOffset ReceivedAt)
{
    public DateTimeOffset ExpiresAt => RequestedAt + ExpiresIn;

    /// <summary>When a client that keeps tokens should fetch a new one: half the lifetime early, at most 30 s.</summary>
    public DateTimeOffset RefreshAt => ExpiresAt - TimeSpan.FromTicks(Math.Min(ExpiresIn.Ticks / 2, TimeSpan.FromSeconds(30).Ticks));
}
