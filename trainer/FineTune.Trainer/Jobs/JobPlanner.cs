using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;

namespace FineTune.Trainer.Jobs;

/// <summary>Resolves a job and a stage into a <see cref="JobPlan"/>, checking what can be checked before loading anything.</summary>
public static class JobPlanner
{
    /// <summary>The stage name of single-stage methods.</summary>
    public const string DefaultStage = "train";

    /// <summary>Plans <paramref name="stage"/> (null: the default) of <paramref name="job"/>.</summary>
    public static JobPlan Plan(FineTuneJob job, string? stage, string runId, IUriResolver resolver, Func<string, string> outputPath)
    {
        var spec = job.Spec;
        // rlhf: one stage per process, planned by the method's own planner (stage inputs come from the environment).
        if (spec.Method == FineTuneMethod.Rlhf)
            return Methods.Rlhf.RlhfStagePlanner.Plan(job, stage, runId, resolver, outputPath, Methods.Rlhf.RlhfStageContext.FromEnvironment());
        // upft: prompts from spec.upft.promptsUri instead of spec.dataset.
        if (spec.Method == FineTuneMethod.Upft) return Methods.Upft.UpftPlanner.Plan(job, stage, runId, resolver, outputPath);
        var methodName = JsonNames.OfEnumValue(spec.Method);
        if (!MethodRegistry.IsSupported(spec.Method))
            throw new JobInputException(
                $"spec.method: '{methodName}' is not implemented by this trainer; supported: {string.Join(", ", MethodRegistry.Supported)}.");
        stage ??= DefaultStage;
        if (stage != DefaultStage)
            throw new JobInputException($"--stage: '{stage}' is not a stage of method {methodName}; it has one stage, '{DefaultStage}'.");
        var dataset = spec.Dataset ?? throw new JobInputException($"spec.dataset: required for method {methodName}.");

        var model = resolver.Directory(spec.Model.Uri, "spec.model.uri");
        return new JobPlan
        {
            Job = job,
            Stage = stage,
            RunId = runId,
            ModelDirectory = model,
            TokenizerDirectory = spec.Model.TokenizerUri is { } tokenizer ? resolver.Directory(tokenizer, "spec.model.tokenizerUri") : model,
            TrainFile = resolver.File(dataset.Uri, "spec.dataset.uri"),
            ValidationFile = dataset.ValidationUri is { } validation ? resolver.File(validation, "spec.dataset.validationUri") : null,
            // The operator's layout (operator/FineTune.Operator/Builders/OutputLayout): <output>/<run id>/<stage>/.
            RunDirectory = Path.Combine(outputPath(spec.Output.Uri), runId, stage),
            Dataset = dataset,
        };
    }
}
