// The bare isolated worker: the Functions builder with the ASP.NET Core integration, as
// src/Functions/Program.cs starts the app, and no services of its own.
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
await builder.Build().RunAsync();
