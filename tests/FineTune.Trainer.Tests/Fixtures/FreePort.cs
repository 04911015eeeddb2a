using System.Net;
using System.Net.Sockets;

namespace FineTune.Trainer.Tests.Fixtures;

/// <summary>A loopback port free at the time of asking (another process may take it: callers retry).</summary>
public static class FreePort
{
    /// <summary>Asks the system for a free port on 127.0.0.1.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
