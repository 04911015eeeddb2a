namespace FineTune.Api.V1Alpha1;

/// <summary>Training progress of the running stage, as published by the trainer.</summary>
public sealed class ProgressStatus
{
    /// <summary>Optimizer steps done.</summary>
    public long Step { get; set; }

    /// <summary>Optimizer steps planned.</summary>
    public long TotalSteps { get; set; }

    /// <summary>step / totalSteps in percent, rounded down.</summary>
    public int Percent { get; set; }

    /// <summary>Latest training loss.</summary>
    public double? Loss { get; set; }

    /// <summary>Latest validation loss.</summary>
    public double? EvalLoss { get; set; }

    /// <summary>Training throughput.</summary>
    public double? TokensPerSecond { get; set; }

    /// <summary>Estimated seconds until the stage ends.</summary>
    public long? EtaSeconds { get; set; }

    /// <summary>When the trainer reported this.</summary>
    public DateTime? UpdateTime { get; set; }
}
