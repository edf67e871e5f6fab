using System.Net;
using System.Net.Sockets;

namespace QoinHub.Merchant.Testing;

/// <summary>
/// A loopback TCP forwarder in front of a real dependency (Azurite) that a test can switch off
/// to play an outage: while down, new connections are reset and open ones are cut.
/// </summary>
public sealed class TcpOutageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;
    private volatile bool _up = true;

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

    private void CutOpenConnections()
    {
        lock (_gate)
        {
            foreach (var connection in _open)
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

            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutOpenConnections();
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
