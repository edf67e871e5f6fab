using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>A body that did not arrive whole is refused with a SNAP 400 and counted with the other refusals.</summary>
public sealed class IncompleteBodyRefusalTests
{
    [Fact]
    public void Incomplete_body_is_a_bad_request_counted_as_a_refusal_of_its_service()
    {
        using var refusals = new MetricCollector<long>(null, MerchantTelemetry.Name, "qoinhub.snap.refusals");

        var result = new ProbeHandler(SnapResponses.DebitNotify).RefuseIncompleteBody();

        Assert.Equal(400, result.HttpStatus);
        Assert.Equal("4005600", result.ResponseCode);
        Assert.Contains("send the whole body", result.ResponseMessage, StringComparison.Ordinal);
        // Other tests may count refusals at the same time; this one's is among them.
        Assert.Contains(
            refusals.GetMeasurementSnapshot(),
            measurement => measurement.Value == 1
                && Equals(measurement.Tags[MerchantTelemetry.Attributes.ServiceCode], "56")
                && Equals(measurement.Tags[MerchantTelemetry.Attributes.RefusalReason], MerchantTelemetry.Refusals.BodyIncomplete));
    }

    private sealed class ProbeHandler(SnapResponses responses) : SnapHandler(responses, NullLogger.Instance)
    {
        protected override Task<SnapResult> HandleCoreAsync(SnapRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not called");
    }
}
