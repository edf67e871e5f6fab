using QoinHub.Merchant.Functions;

var builder = WebApplication.CreateSlimBuilder(args);
builder.UseCustomHandlerPortWhenHosted();
builder.Services.AddMerchantCallbacksOnAzure(builder.Configuration);

var app = builder.Build();

// The Functions host waits for the custom handler to answer before forwarding requests.
app.MapGet("/", () => TypedResults.Ok("ready"));
app.MapSnapCallbacks();
app.MapTimerFunctions();
app.Run();

/// <summary>The app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
