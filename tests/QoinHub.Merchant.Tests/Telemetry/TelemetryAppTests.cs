using System.Security.Cryptography;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>
/// Tests that each get an app of their own from <see cref="TelemetryAppFactory"/> (in-memory
/// exporters, an OTLP collector, a queue that can be switched off), a SNAP client for it and the
/// vectors' partner key.
/// </summary>
public abstract class TelemetryAppTests : IAsyncLifetime, IDisposable
{
    private protected RSA PartnerKey { get; } = SnapClient.VectorPrivateKey();

    private protected TelemetryAppFactory App { get; private set; } = null!;

    private protected SnapClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await TelemetryAppFactory.StartAsync();
        Client = new SnapClient(App.CreateClient(), App.Clock);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public void Dispose()
    {
        PartnerKey.Dispose();
        GC.SuppressFinalize(this);
    }
}
