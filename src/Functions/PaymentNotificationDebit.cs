using Microsoft.Azure.Functions.Worker;
using QoinHub.Merchant.Functions.Http;
using QoinHub.Merchant.Notifications;

namespace QoinHub.Merchant.Functions;

/// <summary>SNAP payment notification (service 56): QoinHub proves itself by our token and its HMAC signature, so no function key.</summary>
public sealed class PaymentNotificationDebit(SnapHttp http, DebitNotifyHandler handler)
{
    [Function(nameof(PaymentNotificationDebit))]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1.0/debit/notify")] HttpRequest request) =>
        http.AnswerAsync(request, handler);
}
