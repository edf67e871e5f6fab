using System.Net;
using System.Net.Sockets;

namespace QoinHub.Merchant.Testing;

/// <summary>
/// A loopback TCP forwarder in front of a real dependency (Azurite) that a test can switch off
/// to play an outage: while down, new connections are reset and open ones are cut. As a black
/// hole it plays a dependency that hangs instead: connections are accepted and never answered.
/// </summary>
public sealed class TcpOutageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly List<TcpClient> _swallowed = [];
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;
    private volatile bool _up = true;
    private volatile bool _blackHole;

    public TcpOutageProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public bool IsUp
    {
        get => _up;
        set
        {
            _up = value;
            if (!value)
            {
                CutOpenConnections();
            }
        }
    }

    /// <summary>
    /// While set, new connections are accepted and held open, and nothing is forwarded or answered.
    /// Clearing it cuts the held connections, so their senders see a failure and can try again.
    /// </summary>
    public bool IsBlackHole
    {
        get => _blackHole;
        set
        {
            _blackHole = value;
            if (!value)
            {
                Cut(_swallowed);
            }
        }
    }

    /// <summary>Replaces the port of a URL-style endpoint (<c>http://127.0.0.1:PORT/...</c>) in a connection string.</summary>
    public static string Reroute(string connectionString, string endpointName, int port)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].StartsWith(endpointName + "=", StringComparison.OrdinalIgnoreCase))
            {
                var uri = new UriBuilder(parts[i][(endpointName.Length + 1)..]) { Port = port };
                parts[i] = endpointName + "=" + uri.Uri.ToString().TrimEnd('/');
            }
        }

        return string.Join(';', parts) + ";";
    }

    public static int PortOf(string connectionString, string endpointName)
    {
        var part = connectionString.Split(';').First(p => p.StartsWith(endpointName + "=", StringComparison.OrdinalIgnoreCase));
        return new Uri(part[(endpointName.Length + 1)..]).Port;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (!_up)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }

            if (_blackHole)
            {
                lock (_gate)
                {
                    _swallowed.Add(client);
                }

                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            lock (_gate)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var down = client.GetStream().CopyToAsync(upstream.GetStream(), cts.Token);
            var up = upstream.GetStream().CopyToAsync(client.GetStream(), cts.Token);
            await Task.WhenAny(down, up);
            await cts.CancelAsync();
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut by an outage or by the peer.
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }

            client.Dispose();
        }
    }

    private void CutOpenConnections() => Cut(_open);

    private void Cut(List<TcpClient> connections)
    {
        lock (_gate)
        {
            foreach (var connection in connections)
            {
                try
                {
                    connection.Client.LingerState = new LingerOption(true, 0);
                    connection.Dispose();
                }
                catch (ObjectDisposedException)
                {
                    // Already closed.
                }
            }

            connections.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutOpenConnections();
        Cut(_swallowed);
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }
}
