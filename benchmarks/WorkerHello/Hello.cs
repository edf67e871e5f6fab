using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace WorkerHello;

/// <summary><c>GET /api/hello</c>: 200 with a JSON string, no work.</summary>
public static class Hello
{
    [Function(nameof(Hello))]
    public static Ok<string> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "hello")] HttpRequest request) => TypedResults.Ok("hello");
}
