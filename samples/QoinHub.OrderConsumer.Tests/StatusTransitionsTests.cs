using QoinHub.OrderConsumer.Orders;
using static QoinHub.OrderConsumer.Orders.ApplyOutcome;

namespace QoinHub.OrderConsumer.Tests;

/// <summary>The transition table of <see cref="StatusTransitions"/>, every pair of statuses.</summary>
public sealed class StatusTransitionsTests
{
    private static readonly string[] All = ["00", "01", "02", "03", "04", "05", "06", "07", "08", "09"];

    [Theory]
    [InlineData(null, "03", Applied)]
    [InlineData(null, "04", Applied)]
    [InlineData("01", "02", Applied)]
    [InlineData("02", "03", Applied)]
    [InlineData("01", "03", Applied)]
    [InlineData("03", "02", IgnoredStale)]
    [InlineData("03", "01", IgnoredStale)]
    [InlineData("03", "00", Applied)]
    [InlineData("03", "08", Applied)]
    [InlineData("01", "04", Applied)]
    [InlineData("00", "03", IgnoredStale)]
    [InlineData("00", "01", IgnoredStale)]
    [InlineData("00", "02", IgnoredStale)]
    [InlineData("00", "04", Applied)]
    [InlineData("00", "06", IgnoredConflict)]
    [InlineData("00", "08", IgnoredConflict)]
    [InlineData("04", "00", IgnoredStale)]
    [InlineData("04", "03", IgnoredStale)]
    [InlineData("04", "05", IgnoredConflict)]
    [InlineData("08", "00", IgnoredConflict)]
    [InlineData("06", "04", IgnoredConflict)]
    [InlineData("05", "03", IgnoredStale)]
    [InlineData("00", "00", Duplicate)]
    public void Decides(string? current, string incoming, ApplyOutcome expected) =>
        Assert.Equal(expected, StatusTransitions.Decide(current, incoming));

    [Fact]
    public void A_final_status_is_only_ever_left_for_a_refund_after_success()
    {
        foreach (var current in All.Where(PaymentStatuses.IsFinal))
        {
            foreach (var incoming in All.Where(s => s != current))
            {
                var outcome = StatusTransitions.Decide(current, incoming);
                Assert.True(
                    outcome != Applied || (current, incoming) == ("00", "04"),
                    $"{current} -> {incoming} was applied");
            }
        }
    }

    [Fact]
    public void No_in_progress_status_ever_replaces_a_final_one_and_every_final_one_replaces_an_in_progress_one()
    {
        string[] inProgress = ["01", "02", "03"];
        foreach (var final in All.Except(inProgress))
        {
            foreach (var status in inProgress)
            {
                Assert.Equal(IgnoredStale, StatusTransitions.Decide(final, status));
                Assert.Equal(Applied, StatusTransitions.Decide(status, final));
            }
        }
    }

    [Fact]
    public void Any_order_of_arrival_of_pending_success_and_refund_ends_refunded()
    {
        string[][] orders = [["03", "00", "04"], ["03", "04", "00"], ["00", "03", "04"], ["00", "04", "03"], ["04", "03", "00"], ["04", "00", "03"]];
        foreach (var order in orders)
        {
            string? current = null;
            foreach (var status in order)
            {
                if (StatusTransitions.Decide(current, status) == Applied)
                {
                    current = status;
                }
            }

            Assert.Equal("04", current);
        }
    }
}
