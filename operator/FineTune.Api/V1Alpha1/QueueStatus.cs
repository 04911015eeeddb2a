namespace FineTune.Api.V1Alpha1;

/// <summary>Where a waiting job stands in its admission queue.</summary>
public sealed class QueueStatus
{
    /// <summary>The queue's name.</summary>
    public string? Name { get; set; }

    /// <summary>Jobs ahead of this one; 0 once admitted.</summary>
    public int Position { get; set; }
}
