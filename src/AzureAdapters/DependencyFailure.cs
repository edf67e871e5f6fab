using Azure;

namespace QoinHub.Merchant.AzureAdapters;

/// <summary>
/// Describes why a call to an Azure service failed in a few words that are safe to show and log:
/// the HTTP status and the service's error code, or the type of the innermost exception. Never an
/// exception's message: the SDKs quote request URLs (which may carry a SAS) and response bodies.
/// </summary>
internal static class DependencyFailure
{
    private const int MaxErrorCodeLength = 64;

    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            // The SDK's retry policy gives up with every try's failure in one AggregateException.
            AggregateException { InnerExceptions.Count: > 0 } tries => Describe(tries.InnerExceptions[^1]),
            RequestFailedException { Status: > 0 } failed => Status(failed.Status, failed.ErrorCode),
            RequestFailedException failed => $"no response ({Innermost(failed).GetType().Name})",
            // A connection refused, reset or cut mid-answer that reached us without the SDK's wrapper
            // (from reading a response body, for instance) is still no response.
            HttpRequestException or IOException or System.Net.Sockets.SocketException => $"no response ({Innermost(exception).GetType().Name})",
            _ when Innermost(exception) is var inner && inner != exception => $"{exception.GetType().Name} ({inner.GetType().Name})",
            _ => exception.GetType().Name,
        };
    }

    /// <summary><c>HTTP 403 AuthorizationFailure</c>; the error code only when it is a plain identifier.</summary>
    public static string Status(int status, string? errorCode) =>
        IsPlainIdentifier(errorCode) ? $"HTTP {status} {errorCode}" : $"HTTP {status}";

    private static bool IsPlainIdentifier(string? value) =>
        value is { Length: > 0 and <= MaxErrorCodeLength } && value.All(char.IsAsciiLetterOrDigit);

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }
}
