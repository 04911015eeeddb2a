namespace FineTune.Api.V1Alpha1;

/// <summary>A checkpoint whose manifest verified: a run resumes from it.</summary>
public sealed class CheckpointRef
{
    /// <summary>Prefix of the checkpoint's files.</summary>
    public required string Uri { get; set; }

    /// <summary>Optimizer step it was taken at.</summary>
    public long Step { get; set; }

    /// <summary>Stage it belongs to.</summary>
    public string? Stage { get; set; }

    /// <summary>When it was written.</summary>
    public DateTime? Time { get; set; }
}
