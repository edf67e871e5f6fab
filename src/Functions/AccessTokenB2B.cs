using Microsoft.Azure.Functions.Worker;
using QoinHub.Merchant.Functions.Http;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Functions;

/// <summary>SNAP B2B access token (service 73): QoinHub proves itself by its RSA signature, so no function key.</summary>
public sealed class AccessTokenB2B(SnapHttp http, AccessTokenHandler handler)
{
    [Function(nameof(AccessTokenB2B))]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1.0/access-token/b2b")] HttpRequest request) =>
        http.AnswerAsync(request, handler);
}
