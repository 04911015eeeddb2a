namespace FineTune.Operator.Tests.Support;

/// <summary>Counts the writes (non-GET requests) a client sends, apart from Lease traffic, to tell which replica acts.</summary>
public sealed class CountingHandler : DelegatingHandler
{
    private int writes;

    public int Writes => Volatile.Read(ref writes);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get && request.RequestUri?.AbsolutePath.Contains("/leases") != true)
            Interlocked.Increment(ref writes);
        return base.SendAsync(request, cancellationToken);
    }
}
