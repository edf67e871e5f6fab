using QoinHub.Simulator.Http;

namespace QoinHub.Simulator.Protocol;

/// <summary>The endpoint did not issue a token; nothing that needs one can run.</summary>
public sealed class AccessTokenRefusedException : Exception
{
    public AccessTokenRefusedException()
    {
    }

    public AccessTokenRefusedException(string message)
        : base(message)
    {
    }

    public AccessTokenRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AccessTokenRefusedException(SnapHttpResponse response)
        : base(Describe(response))
    {
        Response = response;
    }

    public SnapHttpResponse? Response { get; }

    private static string Describe(SnapHttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.TransportError is { } error
            ? $"The access token request got no answer: {error}."
            : $"The access token request was answered {response.Outcome}: {response.ResponseMessage ?? response.Body}";
    }
}
