namespace FineTune.Api.V1Alpha1;

/// <summary>Where the results of the latest successful run are.</summary>
public sealed class OutputsStatus
{
    /// <summary>Adapter-only result (PEFT layout).</summary>
    public string? Adapter { get; set; }

    /// <summary>Full model in Hugging Face layout (merged adapter, or the fully trained model).</summary>
    public string? Merged { get; set; }

    /// <summary>Evaluation report (JSON) of the final model.</summary>
    public string? Metrics { get; set; }
}
