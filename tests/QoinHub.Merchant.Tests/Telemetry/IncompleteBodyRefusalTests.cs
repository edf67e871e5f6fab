using System.Diagnostics.Metrics;
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
        var counted = new List<(long Value, string? Service, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MerchantTelemetry.Name && instrument.Name == "qoinhub.snap.refusals")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? service = null, reason = null;
            foreach (var tag in tags)
            {
                service = tag.Key == MerchantTelemetry.Attributes.ServiceCode ? tag.Value as string : service;
                reason = tag.Key == MerchantTelemetry.Attributes.RefusalReason ? tag.Value as string : reason;
            }

            if (reason == MerchantTelemetry.Refusals.BodyIncomplete)
            {
                lock (counted)
                {
                    counted.Add((value, service, reason));
                }
            }
        });
        listener.Start();

        var result = new ProbeHandler(SnapResponses.DebitNotify).RefuseIncompleteBody();

        Assert.Equal(400, result.HttpStatus);
        Assert.Equal("4005600", result.ResponseCode);
        Assert.Contains("send the whole body", result.ResponseMessage, StringComparison.Ordinal);
        // Other tests may count the same refusal at the same time; this one's is among them.
        lock (counted)
        {
            Assert.Contains((1L, "56", MerchantTelemetry.Refusals.BodyIncomplete), counted);
        }
    }

    private sealed class ProbeHandler(SnapResponses responses) : SnapHandler(responses, NullLogger.Instance)
    {
        protected override Task<SnapResult> HandleCoreAsync(SnapRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not called");
    }
}
