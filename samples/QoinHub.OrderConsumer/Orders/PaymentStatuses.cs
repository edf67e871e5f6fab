namespace QoinHub.OrderConsumer.Orders;

/// <summary>
/// The SNAP <c>latestTransactionStatus</c> values and which of them are final.
/// <list type="bullet">
/// <item><b>In progress</b> (not final): <c>01</c> Initiated, <c>02</c> Paying, <c>03</c> Pending.
/// They move forward in that order; none of them changes what the order does (it still waits for
/// its payment).</item>
/// <item><b>Final</b>: <c>00</c> Success, <c>05</c> Canceled, <c>06</c> Failed, <c>07</c> Not found,
/// <c>08</c> Expiry, <c>09</c> Rejected: the outcome of the payment.</item>
/// <item><b>After success</b>: <c>04</c> Refunded, final too. It is the one final status that may
/// follow another (<c>00</c>): a refund of a payment that succeeded.</item>
/// </list>
/// See <see cref="StatusTransitions"/> for what a status does to the one a transaction has.
/// </summary>
public static class PaymentStatuses
{
    public const string Success = "00";
    public const string Initiated = "01";
    public const string Paying = "02";
    public const string Pending = "03";
    public const string Refunded = "04";
    public const string Canceled = "05";
    public const string Failed = "06";
    public const string NotFound = "07";
    public const string Expired = "08";
    public const string Rejected = "09";

    public static bool IsFinal(string status) => status is not (Initiated or Paying or Pending);

    /// <summary>The order of the in-progress statuses: 01 &lt; 02 &lt; 03.</summary>
    internal static int ProgressOf(string status) => status switch
    {
        Initiated => 1,
        Paying => 2,
        Pending => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not an in-progress status."),
    };

    public static string NameOf(string status) => status switch
    {
        Success => "Success",
        Initiated => "Initiated",
        Paying => "Paying",
        Pending => "Pending",
        Refunded => "Refunded",
        Canceled => "Canceled",
        Failed => "Failed",
        NotFound => "Not found",
        Expired => "Expiry",
        Rejected => "Rejected",
        _ => "Unknown",
    };
}
