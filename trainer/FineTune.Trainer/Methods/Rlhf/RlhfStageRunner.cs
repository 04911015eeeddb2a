using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Data;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Models;
using FineTune.Trainer.Rlhf;
using FineTune.Trainer.Runtime;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Rlhf;

/// <summary>
/// Runs one planned rlhf stage. sft is the shared job runner on the stage's single-method job; dpo is the shared
/// training loop with <see cref="DpoObjective"/> as the loss; reward and ppo run their own loops
/// (<see cref="RewardTrainer"/>, <see cref="PpoTrainer"/>). Every stage checkpoints into the store it is given (by
/// default checkpoints/ in the stage's run directory), resumes from its newest checkpoint, and writes merged/ (the next
/// stage's start; for reward the model with its score head), adapter/ for lora policies, and metrics.json with an
/// "rlhf" block.
/// </summary>
public static class RlhfStageRunner
{
    /// <summary>Runs <paramref name="plan"/> (its <see cref="JobPlan.Rlhf"/> must be set).</summary>
    public static JobResult Run(JobPlan plan, ITrainingObserver observer, CancellationToken cancellation = default,
        ICheckpointStore? checkpoints = null)
    {
        var rlhf = plan.Rlhf ?? throw new ArgumentException("not an rlhf stage plan", nameof(plan));
        observer.OnMessage($"rlhf stage {plan.Stage} (iteration {rlhf.Iteration}) starting from {rlhf.StartDirectory}");
        // Fresh adapters (and anything else initialised) draw from torch's global generator: seeded, a stage is the same
        // in every process, so a straight run and an interrupted-and-resumed one start from the same weights.
        manual_seed(rlhf.StageJob.Spec.Hyperparameters.Seed);
        return rlhf.Stage.Name switch
        {
            RlhfStageName.Sft => JobRunner.Run(plan with { Job = rlhf.StageJob, Rlhf = null }, observer, cancellation, checkpoints),
            RlhfStageName.Reward => RunReward(plan, rlhf, observer, cancellation, checkpoints),
            RlhfStageName.Dpo => RunDpo(plan, rlhf, observer, cancellation, checkpoints),
            RlhfStageName.Ppo => RunPpo(plan, rlhf, observer, cancellation, checkpoints),
            _ => throw new JobInputException($"--stage: '{plan.Stage}' has no implementation."),
        };
    }

    private static JobResult RunReward(JobPlan plan, RlhfStagePlan rlhf, ITrainingObserver observer, CancellationToken cancellation,
        ICheckpointStore? checkpoints)
    {
        var spec = rlhf.StageJob.Spec;
        var (tokenizer, device) = Setup(plan, spec);
        var data = Prepare(plan, spec, tokenizer, observer);
        var options = TrainingOptions.From(spec.Hyperparameters, data.Train.Count);
        using var reward = RewardModel.Create(LoadDecoder(rlhf.StartDirectory, device), spec.Hyperparameters.Seed);
        observer.OnMessage($"reward model on {data.Train.Count} preference pairs ({data.Validation.Count} for validation), {options.TotalSteps} steps");
        var store = checkpoints ?? new LocalCheckpointStore(plan.RunDirectory, spec.Output.KeepCheckpoints);
        var trainer = new RewardTrainer(reward, data.Train, data.Validation, options, tokenizer.PadId, device, store, observer);
        var result = trainer.Run(cancellation);
        var outputs = new Dictionary<string, string>();
        if (!result.Interrupted)
        {
            var merged = plan.OutputDirectory(SaveMode.Merged);
            reward.Save(merged, tokenizer.PadId);
            JobRunner.CopyTokenizerFiles(plan.TokenizerDirectory, merged);
            outputs[JsonNames.OfEnumValue(SaveMode.Merged)] = merged;
        }
        var metrics = new JsonObject
        {
            ["rewardModelAccuracy"] = result.ValidationAccuracy,
            ["validationPairwiseLoss"] = result.ValidationLoss,
        };
        return Finish(plan, RewardTrainer.MethodName, result.Steps, result.LastLoss, result.Interrupted, outputs, metrics);
    }

    private static JobResult RunDpo(JobPlan plan, RlhfStagePlan rlhf, ITrainingObserver observer, CancellationToken cancellation,
        ICheckpointStore? checkpoints)
    {
        var spec = rlhf.StageJob.Spec;
        var (tokenizer, device) = Setup(plan, spec);
        var data = Prepare(plan, spec, tokenizer, observer);
        var options = TrainingOptions.From(spec.Hyperparameters, data.Train.Count);
        var policy = LoadDecoder(rlhf.StartDirectory, device);
        try
        {
            var method = RlhfPolicy.Method(spec);
            using var reference = ReferencePolicy.For(policy, method, () => LoadDecoder(rlhf.StartDirectory, device));
            var objective = new DpoObjective(method, reference, rlhf.Stage.Dpo ?? new DpoOptions());
            var statistics = new DpoStatisticsObserver(objective, observer);
            var store = checkpoints ?? new LocalCheckpointStore(plan.RunDirectory, spec.Output.KeepCheckpoints);
            observer.OnMessage($"dpo ({JsonNames.OfEnumValue(objective.PolicyMethod is Lora.LoraMethod ? PolicyMethod.Lora : PolicyMethod.Full)} policy, " +
                               $"reference {(reference.SharesWeights ? "= adapter disabled" : "= frozen copy")}) on {data.Train.Count} pairs, {options.TotalSteps} steps");
            var loop = new TrainingLoop(policy, objective, data.Train, [], options, tokenizer.PadId, device, store, statistics);
            var result = loop.Run(cancellation);
            var outputs = result.Interrupted ? [] : Export(plan, policy, method, spec);
            var evaluation = data.Validation.Count > 0 ? DpoEvaluator.Evaluate(policy, objective, data.Validation, options.BatchSize, tokenizer.PadId, device) : null;
            if (evaluation is not null) observer.OnRlhf(result.Steps, new RlhfStepMetrics(KlDivergence: evaluation.Kl));
            var metrics = new JsonObject
            {
                ["train"] = Statistics(objective.Last),
                ["validation"] = Statistics(evaluation),
            };
            return Finish(plan, method.Name, result.Steps, result.LastLoss ?? double.NaN, result.Interrupted, outputs, metrics);
        }
        finally
        {
            policy.Module.Dispose();
        }
    }

    private static JobResult RunPpo(JobPlan plan, RlhfStagePlan rlhf, ITrainingObserver observer, CancellationToken cancellation,
        ICheckpointStore? checkpoints)
    {
        var spec = rlhf.StageJob.Spec;
        var (tokenizer, device) = Setup(plan, spec);
        var data = Prepare(plan, spec, tokenizer, observer);
        var ppo = rlhf.Stage.Ppo ?? new PpoOptions();
        var h = spec.Hyperparameters;
        // Iterations: maxSteps when set, else epochs (1 by default) over the prompts in rollout batches.
        var perEpoch = Math.Max(1, (data.Train.Count + ppo.RolloutBatchSize - 1) / ppo.RolloutBatchSize);
        var iterations = h.MaxSteps ?? (long)(h.Epochs ?? 1) * perEpoch;
        var policy = LoadDecoder(rlhf.StartDirectory, device);
        try
        {
            using var reward = RewardModel.Load(rlhf.RewardModelDirectory!, device);
            var method = RlhfPolicy.Method(spec);
            method.Apply(policy);
            using var reference = ReferencePolicy.For(policy, method, () => LoadDecoder(rlhf.StartDirectory, device));
            var settings = new PpoSettings
            {
                Ppo = ppo,
                Iterations = iterations,
                LearningRate = h.LearningRate,
                MaxGradNorm = h.MaxGradNorm,
                Seed = h.Seed,
                // Without checkpointEverySteps: once per epoch over the prompts, as the shared loop defaults to.
                CheckpointEverySteps = h.CheckpointEverySteps ?? perEpoch,
                EosTokenId = tokenizer.EosId,
                PadId = tokenizer.PadId,
            };
            observer.OnMessage($"ppo on {data.Train.Count} prompts: {iterations} iterations of {ppo.RolloutBatchSize} rollouts, reward model {rlhf.RewardModelDirectory}");
            var store = checkpoints ?? new LocalCheckpointStore(plan.RunDirectory, spec.Output.KeepCheckpoints);
            var trainer = new PpoTrainer(policy, method, reference, reward, data.Train, settings, device, store, observer);
            using var valueHead = trainer.ValueHead;
            var result = trainer.Run(cancellation);
            var outputs = result.Interrupted ? [] : Export(plan, policy, method, spec);
            var reports = result.Reports;
            var last = reports.Count > 0 ? reports[^1] : null;
            var metrics = new JsonObject
            {
                // The first iteration's figure only when this process ran it (a resumed run has not kept it).
                ["rewardMeanFirst"] = result.ResumedFromIteration == 0 && reports.Count > 0 ? reports[0].RewardMean : null,
                ["rewardMean"] = last?.RewardMean,
                ["kl"] = last?.Kl,
                ["clipFraction"] = last?.ClipFraction,
                ["valueLoss"] = last?.ValueLoss,
                ["policyLoss"] = last?.PolicyLoss,
            };
            return Finish(plan, method.Name, result.Iterations, result.LastLoss ?? double.NaN, result.Interrupted, outputs, metrics);
        }
        finally
        {
            policy.Module.Dispose();
        }
    }

    private static (ITextTokenizer Tokenizer, Device Device) Setup(JobPlan plan, FineTuneJobSpec spec) =>
        (TokenizerLoader.Load(plan.TokenizerDirectory), DeviceSelector.Select(JsonNames.OfEnumValue(spec.Resources.Device)));

    private static PreparedDataset Prepare(JobPlan plan, FineTuneJobSpec spec, ITextTokenizer tokenizer, ITrainingObserver observer)
    {
        var data = DatasetPreparer.Prepare(plan.TrainFile, plan.ValidationFile, tokenizer, DatasetOptions.From(plan.Dataset, spec.Hyperparameters));
        foreach (var warning in data.Warnings()) observer.OnMessage(warning);
        if (data.Train.Count == 0) throw new JobInputException($"{plan.TrainFile}: no usable training records.");
        return data;
    }

    private static ICausalLanguageModel LoadDecoder(string directory, Device device)
    {
        var (model, _) = HuggingFaceCheckpoint.Load(directory, device);
        if (model is ICausalLanguageModel causal) return causal;
        model.Module.Dispose();
        throw new JobInputException($"{directory}: model_type '{model.Config.ModelType}' is not a decoder; rlhf needs a causal language model (gpt2, llama, mistral, qwen2).");
    }

    private static Dictionary<string, string> Export(JobPlan plan, ICausalLanguageModel policy, IFineTuneMethod method, FineTuneJobSpec spec) =>
        JobRunner.Export(plan, policy, method, method.ResolveSave(spec.Output.Save));

    private static JsonObject? Statistics(DpoStepStatistics? statistics) => statistics is null ? null : new JsonObject
    {
        ["rewardAccuracy"] = statistics.RewardAccuracy,
        ["rewardMargin"] = statistics.RewardMargin,
        ["chosenReward"] = statistics.ChosenReward,
        ["rejectedReward"] = statistics.RejectedReward,
        ["kl"] = statistics.Kl,
    };

    private static JobResult Finish(JobPlan plan, string method, long steps, double loss, bool interrupted,
        Dictionary<string, string> outputs, JsonObject rlhfMetrics)
    {
        rlhfMetrics["iteration"] = plan.Rlhf!.Iteration;
        var result = new JobResult
        {
            RunId = plan.RunId,
            Stage = plan.Stage,
            Method = method,
            Steps = steps,
            Loss = double.IsFinite(loss) ? loss : null,
            ExportedStep = steps,
            Interrupted = interrupted,
            Outputs = outputs,
            MethodBlocks = new Dictionary<string, object> { ["rlhf"] = rlhfMetrics },
        };
        JobRunner.WriteSummary(plan, result);
        return result;
    }
}
