using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QoinHub.OrderConsumer;
using QoinHub.OrderConsumer.Orders;

// A worker that applies QoinHub payment notifications to orders. Configuration: appsettings.json,
// then environment variables (OrderConsumer__QueueName, ...), then the command line
// (--OrderConsumer:QueueName=...). See README.md.
var builder = Host.CreateApplicationBuilder(args);

// Replace with the order system's store: the order database, idempotent by message id (see InMemoryOrderStore).
builder.Services.AddSingleton<IOrderStore, InMemoryOrderStore>();
builder.Services.AddOrderConsumer();

// RunAsync stops the host on Ctrl+C or SIGTERM, waits for the messages in hand, and disposes it.
await builder.Build().RunAsync();
