using Azure;
using QoinHub.Merchant.AzureAdapters;

namespace QoinHub.Merchant.Tests.Health;

/// <summary>What a failed Azure call is reported as: status and error code or exception types, never a message.</summary>
public sealed class DependencyFailureTests
{
    private const string Sas = "sv=2024-08-04&ss=q&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";

    [Fact]
    public void Refusal_is_its_status_and_error_code()
    {
        var refused = new RequestFailedException(403, "This request is not authorized: https://acct.queue.core.windows.net/q?" + Sas, "AuthorizationPermissionMismatch", null);

        Assert.Equal("HTTP 403 AuthorizationPermissionMismatch", DependencyFailure.Describe(refused));
    }

    [Theory]
    [InlineData("Bad code?sig=abc")]
    [InlineData("")]
    [InlineData(null)]
    public void Error_code_that_is_not_a_plain_identifier_is_left_out(string? errorCode)
    {
        Assert.Equal("HTTP 500", DependencyFailure.Describe(new RequestFailedException(500, "boom " + Sas, errorCode, null)));
    }

    [Fact]
    public void No_response_after_retries_is_the_innermost_exception_type_of_the_last_try()
    {
        var tries = new AggregateException(
            "Retry failed after 3 tries. " + Sas,
            new RequestFailedException(0, "Connection refused " + Sas, new HttpRequestException("x", new System.Net.Sockets.SocketException(111))),
            new RequestFailedException(0, "Connection reset " + Sas, new HttpRequestException("y", new IOException("z " + Sas))));

        Assert.Equal("no response (IOException)", DependencyFailure.Describe(tries));
    }

    [Fact]
    public void A_connection_failure_without_the_sdk_wrapper_is_no_response_too()
    {
        Assert.Equal("no response (SocketException)", DependencyFailure.Describe(new System.Net.Sockets.SocketException(104)));
        Assert.Equal("no response (SocketException)", DependencyFailure.Describe(new IOException("reset " + Sas, new System.Net.Sockets.SocketException(104))));
        Assert.Equal("no response (IOException)", DependencyFailure.Describe(new AggregateException(new HttpRequestException(Sas, new IOException(Sas)))));
    }

    [Fact]
    public void Other_failures_are_their_type_and_their_innermost_type()
    {
        Assert.Equal("InvalidOperationException", DependencyFailure.Describe(new InvalidOperationException(Sas)));
        Assert.Equal(
            "InvalidOperationException (TimeoutException)",
            DependencyFailure.Describe(new InvalidOperationException(Sas, new TimeoutException(Sas))));
    }
}
