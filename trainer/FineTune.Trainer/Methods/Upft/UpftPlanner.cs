using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Jobs;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// Plans a upft job: one stage ("train"), the prompts file of spec.upft.promptsUri as its training file (resolved like
/// a dataset, so s3:// prompts are downloaded through the job's cache), and no validation file: the model is scored on
/// nothing but its own samples. spec.dataset is optional for upft and not read.
/// </summary>
public static class UpftPlanner
{
    /// <summary>Plans <paramref name="stage"/> (null: the default) of <paramref name="job"/> (method upft).</summary>
    /// <exception cref="JobInputException">spec.upft is missing, the stage is not "train", or an input is missing.</exception>
    public static JobPlan Plan(FineTuneJob job, string? stage, string runId, IUriResolver resolver, Func<string, string> outputPath)
    {
        var spec = job.Spec;
        var upft = spec.Upft ?? throw new JobInputException("spec.upft: required for method upft.");
        stage ??= JobPlanner.DefaultStage;
        if (stage != JobPlanner.DefaultStage)
            throw new JobInputException($"--stage: '{stage}' is not a stage of method upft; it has one stage, '{JobPlanner.DefaultStage}'.");
        var model = resolver.Directory(spec.Model.Uri, "spec.model.uri");
        return new JobPlan
        {
            Job = job,
            Stage = stage,
            RunId = runId,
            ModelDirectory = model,
            TokenizerDirectory = spec.Model.TokenizerUri is { } tokenizer ? resolver.Directory(tokenizer, "spec.model.tokenizerUri") : model,
            TrainFile = resolver.File(upft.PromptsUri, "spec.upft.promptsUri"),
            RunDirectory = Path.Combine(outputPath(spec.Output.Uri), runId, stage),
            Dataset = new DatasetSpec { Uri = upft.PromptsUri, Format = DatasetFormat.Prompt },
        };
    }
}
