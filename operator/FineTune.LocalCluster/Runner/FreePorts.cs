using System.Net;
using System.Net.Sockets;

namespace FineTune.LocalCluster.Runner;

/// <summary>Loopback ports nobody listens on, for the metrics endpoint of each pod process.</summary>
public static class FreePorts
{
    /// <summary>A port the system reports free right now (another process may still take it before it is used).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
