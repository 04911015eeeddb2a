using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Jobs;

/// <summary>
/// A FineTuneJob stage turned into local paths. Output layout under <see cref="RunDirectory"/>
/// (= output.uri/&lt;run id&gt;/&lt;stage&gt;/, the layout the operator reports in status.outputs): checkpoints/step-N/ (resumable
/// checkpoints, the newest few and the best), merged/ (the whole model in Hugging Face layout, with tokenizer files),
/// adapter/ (adapter methods) and metrics.json (steps, metrics, outputs).
/// </summary>
public sealed record JobPlan
{
    /// <summary>The job as loaded (defaults filled).</summary>
    public required FineTuneJob Job { get; init; }

    /// <summary>The stage this process runs ("train" for single-stage methods).</summary>
    public required string Stage { get; init; }

    /// <summary>Run id the outputs are written under.</summary>
    public required string RunId { get; init; }

    /// <summary>Base model directory (config.json + weights).</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>Directory of the tokenizer files (the model directory unless model.tokenizerUri is set).</summary>
    public required string TokenizerDirectory { get; init; }

    /// <summary>Training records.</summary>
    public required string TrainFile { get; init; }

    /// <summary>Validation records, when dataset.validationUri is set.</summary>
    public string? ValidationFile { get; init; }

    /// <summary>Where this stage writes.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>The dataset spec of the stage.</summary>
    public required DatasetSpec Dataset { get; init; }

    /// <summary>The rlhf stage's own plan (method rlhf only; see Methods/Rlhf).</summary>
    public Methods.Rlhf.RlhfStagePlan? Rlhf { get; init; }

    /// <summary>The checkpoints folder.</summary>
    public string CheckpointsDirectory => Path.Combine(RunDirectory, "checkpoints");

    /// <summary>Folder of an exported artifact.</summary>
    public string OutputDirectory(SaveMode kind) => Path.Combine(RunDirectory, kind == SaveMode.Adapter ? "adapter" : "merged");

    /// <summary>The summary file written at the end.</summary>
    public string ResultFile => Path.Combine(RunDirectory, "metrics.json");
}
