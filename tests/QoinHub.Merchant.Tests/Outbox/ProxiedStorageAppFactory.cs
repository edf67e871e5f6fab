using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// The app with its tables and its queue each behind a <see cref="TcpOutageProxy"/>, so a test can
/// take either down while the app runs. The test itself reads Azurite directly (<see cref="DirectConnectionString"/>).
/// </summary>
internal sealed class ProxiedStorageAppFactory : SnapAppFactory
{
    private readonly string _routed;
    private readonly IEnumerable<KeyValuePair<string, string?>> _settings;

    public ProxiedStorageAppFactory(IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        _settings = settings ?? [];
        var azurite = AzuriteServer.Instance.ConnectionString;
        Tables = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "TableEndpoint"));
        Queues = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "QueueEndpoint"));
        _routed = TcpOutageProxy.Reroute(TcpOutageProxy.Reroute(azurite, "TableEndpoint", Tables.Port), "QueueEndpoint", Queues.Port);
    }

    public TcpOutageProxy Tables { get; }

    public TcpOutageProxy Queues { get; }

    public override string StorageConnectionString => _routed;

    public static string DirectConnectionString => AzuriteServer.Instance.ConnectionString;

    public LedgerTable Ledger => new(DirectConnectionString, NotificationTable);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => _settings;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Tables.DisposeAsync();
        await Queues.DisposeAsync();
    }
}
