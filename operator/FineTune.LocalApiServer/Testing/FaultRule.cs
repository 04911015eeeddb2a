namespace FineTune.LocalApiServer.Testing;

/// <summary>
/// A fault to inject into requests that match a verb and a resource: answer with an error status, delay, or drop the
/// connection without answering. <see cref="Times"/> requests are affected, then the rule is spent.
/// </summary>
public sealed record FaultRule
{
    /// <summary>get, list, watch, create, update, patch, delete, deletecollection, or * for any.</summary>
    public string Verb { get; init; } = "*";

    /// <summary>Resource plural (<c>jobs</c>), with a subresource as <c>jobs/status</c>, or * for any.</summary>
    public string Resource { get; init; } = "*";

    /// <summary>HTTP status to answer with (403, 500, 503...); null to let the request through after <see cref="Delay"/>.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Message in the Status object; a default naming the injected fault when null.</summary>
    public string? Message { get; init; }

    /// <summary>Wait this long before handling (or failing) the request.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Drop the connection without an answer (the client sees the response end prematurely).</summary>
    public bool AbortConnection { get; init; }

    /// <summary>How many matching requests the rule affects; a negative number means every one until removed.</summary>
    public int Times { get; init; } = 1;
}
