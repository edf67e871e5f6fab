using QoinHub.FunctionsHost.Http;

namespace QoinHub.FunctionsHost.Tests;

/// <summary>Which HTTP function a call reaches: <c>{routePrefix}/{route}</c>, its methods, route parameters.</summary>
public sealed class RouteTableTests
{
    private static readonly LoadedFunction Notify = new("PaymentNotificationDebit", "1", LoadedFunction.HttpTrigger, "request") { Route = "v1.0/debit/notify", Methods = ["post"] };
    private static readonly LoadedFunction Health = new("Health", "2", LoadedFunction.HttpTrigger, "request") { Route = "health", Methods = ["get"] };
    private static readonly LoadedFunction Order = new("Order", "3", LoadedFunction.HttpTrigger, "request") { Route = "orders/{id}", Methods = [] };
    private static readonly LoadedFunction Relay = new("OutboxRelay", "4", LoadedFunction.TimerTrigger, "timer") { Schedule = "%OutboxRelaySchedule%" };

    [Theory]
    [InlineData("POST", "/api/v1.0/debit/notify", "PaymentNotificationDebit")]
    [InlineData("post", "/api/v1.0/debit/notify", "PaymentNotificationDebit")]
    [InlineData("GET", "/api/health", "Health")]
    [InlineData("DELETE", "/api/orders/42", "Order")]
    [InlineData("GET", "/api/v1.0/debit/notify", null)]
    [InlineData("POST", "/api/v1.0/debit/notify/more", null)]
    [InlineData("POST", "/v1.0/debit/notify", null)]
    [InlineData("POST", "/api/OutboxRelay", null)]
    public void A_call_reaches_the_function_whose_route_and_method_it_matches(string method, string path, string? function)
    {
        var routes = new RouteTable([Notify, Health, Order, Relay], "api");

        Assert.Equal(function, routes.Match(method, path)?.Name);
    }

    [Fact]
    public void An_empty_route_prefix_serves_routes_at_the_root()
    {
        var routes = new RouteTable([Health], string.Empty);

        Assert.Equal("Health", routes.Match("GET", "/health")?.Name);
        Assert.Null(routes.Match("GET", "/api/health"));
    }
}
