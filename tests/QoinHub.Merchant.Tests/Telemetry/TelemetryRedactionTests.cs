using System.Diagnostics;
using QoinHub.Merchant.Functions.Telemetry;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>The processor every span passes before any exporter: query values, headers and long error texts do not leave.</summary>
public sealed class TelemetryRedactionTests
{
    [Theory]
    [InlineData("?sig=abc&se=1&sp=r", "?sig=Redacted&se=Redacted&sp=Redacted")]
    [InlineData("sig=abc&se=1", "sig=Redacted&se=Redacted")]
    [InlineData("https://acct.queue.core.windows.net/q/messages?sv=2025&sig=abc%3D#frag", "https://acct.queue.core.windows.net/q/messages?sv=Redacted&sig=Redacted")]
    [InlineData("https://host/path?token", "https://host/path?Redacted")]
    [InlineData("?key1=Redacted", "?key1=Redacted")]
    [InlineData("https://host/api/v1.0/debit/notify", "https://host/api/v1.0/debit/notify")]
    [InlineData("/api/v1.0/debit/notify", "/api/v1.0/debit/notify")]
    public void Query_values_are_replaced(string value, string expected) =>
        Assert.Equal(expected, TelemetryRedaction.RedactQuery(value));

    [Fact]
    public void Span_loses_query_values_headers_and_user_agent_and_keeps_the_rest()
    {
        using var activity = new Activity("call");
        activity.SetTag("url.full", "https://acct.table.core.windows.net/t()?$filter=PartitionKey&sig=secret-sas-signature");
        activity.SetTag("url.query", "?session=secret-query-value");
        activity.SetTag("http.request.header.authorization", "Bearer secret-token");
        activity.SetTag("http.response.header.x-ms-request-id", "id");
        activity.SetTag("user_agent.original", "QoinHub/1.0 secret-agent");
        activity.SetTag("snap.partner_id", "QoinSnap");
        activity.SetStatus(ActivityStatusCode.Error, "Service request failed.\nContent: <Error>secret-body</Error>\nHeaders: Authorization: REDACTED");

        new TelemetryRedaction().OnEnd(activity);

        Assert.Equal("https://acct.table.core.windows.net/t()?$filter=Redacted&sig=Redacted", activity.GetTagItem("url.full"));
        Assert.Equal("?session=Redacted", activity.GetTagItem("url.query"));
        Assert.Null(activity.GetTagItem("http.request.header.authorization"));
        Assert.Null(activity.GetTagItem("http.response.header.x-ms-request-id"));
        Assert.Null(activity.GetTagItem("user_agent.original"));
        Assert.Equal("QoinSnap", activity.GetTagItem("snap.partner_id"));
        Assert.Equal("Service request failed.", activity.StatusDescription);
        Assert.DoesNotContain("secret", string.Join(' ', activity.TagObjects.Select(tag => tag.Value)), StringComparison.Ordinal);
    }
}
