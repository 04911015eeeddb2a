using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Jobs;

namespace FineTune.Trainer.Methods.Rlhf;

/// <summary>
/// Plans one stage of an rlhf job. Where each stage starts (TRL's and InstructGPT's order): sft from the base model, or
/// in iteration N &gt; 1 from iteration N-1's last stage; reward, ppo and dpo from this iteration's sft output (the
/// base model when the pipeline has no sft stage, or the previous iteration's last stage from iteration 2). A ppo stage
/// scores with the reward stage's output, else spec.rlhf.rewardModelUri. Outputs go to
/// &lt;output&gt;/&lt;run id&gt;/&lt;stage&gt;[-&lt;iteration&gt;]/, the operator's layout.
/// </summary>
public static class RlhfStagePlanner
{
    /// <summary>Where a stage keeps the full weights the next stage starts from.</summary>
    public const string MergedFolder = "merged";

    /// <summary>Plans <paramref name="stage"/> of <paramref name="job"/> (method rlhf) in <paramref name="context"/>.</summary>
    /// <exception cref="JobInputException">The stage is missing or not in the spec, the iteration out of range, or an input is missing.</exception>
    public static JobPlan Plan(FineTuneJob job, string? stage, string runId, IUriResolver resolver, Func<string, string> outputPath,
        RlhfStageContext context)
    {
        var spec = job.Spec;
        var rlhf = spec.Rlhf ?? throw new JobInputException("spec.rlhf: required for method rlhf.");
        var names = rlhf.Stages.Select(s => JsonNames.OfEnumValue(s.Name)).ToList();
        var listed = string.Join(", ", names);
        if (string.IsNullOrEmpty(stage) || stage == JobPlanner.DefaultStage)
            throw new JobInputException($"--stage: method rlhf runs one stage per process; name one of this job's stages: {listed}.");
        var index = names.IndexOf(stage);
        if (index < 0) throw new JobInputException($"--stage: '{stage}' is not a stage of this job; its stages are: {listed}.");
        if (context.Iteration > rlhf.Iterations)
            throw new JobInputException(
                $"{Api.Contract.TrainerEnvironment.Iteration}: {context.Iteration} is past spec.rlhf.iterations ({rlhf.Iterations}); expected 1 to {rlhf.Iterations}.");
        var stageSpec = rlhf.Stages[index];

        string StageOutput(string name) =>
            resolver.Directory(context.StageInputs[name].TrimEnd('/') + "/" + MergedFolder, $"{Api.Contract.TrainerEnvironment.StageInputs}.{name}");
        string? Input(string name) => context.StageInputs.ContainsKey(name) ? StageOutput(name) : null;
        string RequireInput(string name, string why) => Input(name) ?? throw new JobInputException(
            $"{Api.Contract.TrainerEnvironment.StageInputs}: has no '{name}' entry, which {why}; run that stage first (the operator passes its output).");

        var baseModel = resolver.Directory(spec.Model.Uri, "spec.model.uri");
        var lastStage = names[^1];
        string start;
        if (stageSpec.Name == RlhfStageName.Sft)
            start = context.Iteration > 1 ? RequireInput(lastStage, $"iteration {context.Iteration}'s sft starts from (iteration {context.Iteration - 1}'s last stage)") : baseModel;
        else if (names.Contains("sft"))
            start = RequireInput("sft", $"stage {stage} starts from (this iteration's sft output)");
        else
            start = context.Iteration > 1 ? RequireInput(lastStage, $"iteration {context.Iteration} starts from (iteration {context.Iteration - 1}'s last stage)") : baseModel;

        string? reward = null;
        if (stageSpec.Name == RlhfStageName.Ppo)
        {
            reward = Input("reward") ?? (rlhf.RewardModelUri is { } uri ? resolver.Directory(uri, "spec.rlhf.rewardModelUri") : null);
            if (reward is null)
                throw new JobInputException(
                    $"stage ppo: no reward model: {Api.Contract.TrainerEnvironment.StageInputs} has no 'reward' entry and spec.rlhf.rewardModelUri is not set; " +
                    "run a reward stage first or set spec.rlhf.rewardModelUri.");
        }

        var stageJob = StageJob(job, stageSpec);
        var dataset = stageSpec.Dataset;
        var folder = context.Iteration <= 1 ? stage : $"{stage}-{context.Iteration}";
        return new JobPlan
        {
            Job = job,
            Stage = stage,
            RunId = runId,
            ModelDirectory = start,
            TokenizerDirectory = spec.Model.TokenizerUri is { } tokenizer ? resolver.Directory(tokenizer, "spec.model.tokenizerUri") : baseModel,
            TrainFile = resolver.File(dataset.Uri, $"spec.rlhf.stages[{index}].dataset.uri"),
            ValidationFile = dataset.ValidationUri is { } validation ? resolver.File(validation, $"spec.rlhf.stages[{index}].dataset.validationUri") : null,
            RunDirectory = Path.Combine(outputPath(spec.Output.Uri), runId, folder),
            Dataset = dataset,
            Rlhf = new RlhfStagePlan
            {
                Stage = stageSpec,
                Iteration = context.Iteration,
                StageJob = stageJob,
                StartDirectory = start,
                RewardModelDirectory = reward,
            },
        };
    }

    /// <summary>The job as the single-method job the stage trains (see <see cref="RlhfStagePlan.StageJob"/>).</summary>
    public static FineTuneJob StageJob(FineTuneJob job, RlhfStage stage)
    {
        var copy = FineTuneJson.FromNode(FineTuneJson.ToNode(job));
        var spec = copy.Spec;
        var policy = RlhfPolicy.PolicyMethodOf(spec);
        spec.Method = RlhfPolicy.AsMethod(policy);
        if (policy == PolicyMethod.Lora) spec.Lora ??= new LoraOptions();
        spec.Dataset = spec.Rlhf!.Stages.First(s => s.Name == stage.Name).Dataset;
        // The next stage starts from full weights: lora stages write the merged model beside the adapter.
        spec.Output.Save = policy == PolicyMethod.Lora ? SaveMode.Both : SaveMode.Merged;
        if (stage.Hyperparameters is { } overrides)
        {
            var h = spec.Hyperparameters;
            if (overrides.LearningRate is { } rate) h.LearningRate = rate;
            if (overrides.BatchSize is { } batch) h.BatchSize = batch;
            if (overrides.Epochs is { } epochs) (h.Epochs, h.MaxSteps) = (epochs, null);
            if (overrides.MaxSteps is { } steps) (h.MaxSteps, h.Epochs) = (steps, null);
        }
        return copy;
    }
}
