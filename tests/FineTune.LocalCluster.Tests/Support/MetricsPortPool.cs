using System.Net;
using System.Net.Sockets;

namespace FineTune.LocalCluster.Tests.Support;

/// <summary>
/// A fixed set of free loopback ports handed out in turn as trainer pods' metrics ports. Prometheus lists them all as
/// static targets from the start, so a trainer that lives a few seconds is scraped from its first second: a target
/// added through service discovery would wait for Prometheus' discovery and scrape-reload ticks (5 s each).
/// </summary>
public sealed class MetricsPortPool
{
    private readonly int[] _ports;
    private int _next = -1;

    /// <summary>Hands out <paramref name="ports"/> in turn.</summary>
    public MetricsPortPool(IReadOnlyList<int> ports) => _ports = ports.ToArray();

    /// <summary>Reserves <paramref name="count"/> distinct ports the system reports free now.</summary>
    public static int[] Reserve(int count)
    {
        // Holding every listener open at once makes the ports distinct; they are released before any pod binds one.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    /// <summary>Every port of the pool.</summary>
    public IReadOnlyList<int> Ports => _ports;

    /// <summary>The next port, round robin (pods run one after another, so a port is free again by its next turn).</summary>
    public int Next() => _ports[(int)((uint)Interlocked.Increment(ref _next) % (uint)_ports.Length)];
}
