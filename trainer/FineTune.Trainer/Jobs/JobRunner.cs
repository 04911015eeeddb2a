using System.Text.Json;
using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Data;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Models;
using FineTune.Trainer.Runtime;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Jobs;

/// <summary>
/// Runs one planned stage: loads tokenizer, model and data, applies the method, trains (resuming from the run's newest
/// checkpoint), selects the best checkpoint's weights when validation ran, exports, copies the tokenizer files next
/// to the export and writes metrics.json.
/// </summary>
public static class JobRunner
{
    /// <summary>Tokenizer files copied next to an exported model so it loads on its own.</summary>
    public static readonly string[] TokenizerFiles =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt", "tokenizer.model", "vocab.txt", "added_tokens.json"];

    /// <summary>
    /// Runs <paramref name="plan"/>; <paramref name="checkpoints"/> defaults to a local store in the run directory
    /// (the seam where the storage component's CheckpointStore plugs in for s3:// outputs).
    /// </summary>
    public static JobResult Run(JobPlan plan, ITrainingObserver observer, CancellationToken cancellation = default,
        ICheckpointStore? checkpoints = null)
    {
        // rlhf stages (sft, reward, ppo, dpo) run through the method's own stage runner.
        if (plan.Rlhf is not null) return Methods.Rlhf.RlhfStageRunner.Run(plan, observer, cancellation, checkpoints);
        // upft samples its own training examples before the shared loop runs.
        if (plan.Job.Spec.Method == FineTuneMethod.Upft) return Methods.Upft.UpftRunner.Run(plan, observer, cancellation, checkpoints);
        var spec = plan.Job.Spec;
        var hyperparameters = spec.Hyperparameters;
        var tokenizer = TokenizerLoader.Load(plan.TokenizerDirectory);
        var method = MethodRegistry.Create(spec, tokenizer);
        var save = method.ResolveSave(spec.Output.Save);
        var device = DeviceSelector.Select(JsonNames.OfEnumValue(spec.Resources.Device));

        var config = HuggingFaceCheckpoint.ReadConfig(plan.ModelDirectory);
        if (hyperparameters.SequenceLength > config.MaxPositions)
            throw new JobInputException(
                $"spec.hyperparameters.sequenceLength: {hyperparameters.SequenceLength} is longer than the model's {config.MaxPositions} positions " +
                $"(max_position_embeddings in {Path.Combine(plan.ModelDirectory, CheckpointFiles.Config)}); expected at most {config.MaxPositions}.");
        if (method.VirtualTokens > 0 && hyperparameters.SequenceLength + method.VirtualTokens > config.MaxPositions)
            throw new JobInputException(PositionLimit.Message(method.VirtualTokens, hyperparameters.SequenceLength, config.MaxPositions,
                "spec.hyperparameters.sequenceLength"));
        if (tokenizer.VocabularySize > config.VocabSize)
            throw new JobInputException(
                $"{plan.TokenizerDirectory}: the tokenizer produces ids up to {tokenizer.VocabularySize - 1} but the model's vocab_size is {config.VocabSize}; " +
                "use the tokenizer the model was trained with.");

        // What the method draws at the start (LoRA's A, a classification head missing from the checkpoint, prefix
        // tables) comes from the job's seed, not from whatever used the process's generator before: two runs of one
        // manifest train the same weights.
        manual_seed(hyperparameters.Seed);
        var (model, _) = HuggingFaceCheckpoint.Load(plan.ModelDirectory, device);
        try
        {
            int? numLabels = model is ISequenceClassifier classifier ? classifier.NumLabels : null;
            var data = DatasetPreparer.Prepare(plan.TrainFile, plan.ValidationFile, tokenizer,
                DatasetOptions.From(plan.Dataset, hyperparameters, numLabels));
            foreach (var warning in data.Warnings()) observer.OnMessage(warning);
            if (data.Train.Count == 0) throw new JobInputException($"{plan.TrainFile}: no usable training records.");

            var options = TrainingOptions.From(hyperparameters, data.Train.Count);
            var store = checkpoints ?? new LocalCheckpointStore(plan.RunDirectory, spec.Output.KeepCheckpoints);
            observer.OnMessage($"{method.Name} fine-tuning of {config.ModelType} ({plan.ModelDirectory}) on {data.Train.Count} examples, " +
                               $"{options.TotalSteps} steps, {hyperparameters.Precision.ToString().ToLowerInvariant()}, run {plan.RunId}");
            var loop = new TrainingLoop(model, method, data, options, tokenizer.PadId, device, store, observer);
            var result = loop.Run(cancellation);

            var exportedStep = result.Steps;
            var evaluation = result.LastEvaluation;
            var outputs = new Dictionary<string, string>();
            if (!result.Interrupted)
            {
                if (result.BestStep is long best && best != result.Steps && store.Find(best) is { } bestDirectory)
                {
                    // Best-checkpoint selection: export the weights with the lowest validation loss.
                    TrainingCheckpoint.LoadWeights(bestDirectory, model);
                    exportedStep = best;
                    evaluation = Evaluator.Evaluate(model, data.Validation, options.BatchSize, tokenizer.PadId, device);
                    observer.OnMessage($"exporting the best checkpoint, step {best} (validation loss {result.BestEvalLoss:G6})");
                }
                outputs = Export(plan, model, method, save);
            }

            var summary = new JobResult
            {
                RunId = plan.RunId,
                Stage = plan.Stage,
                Method = method.Name,
                Steps = result.Steps,
                Loss = result.LastLoss,
                Evaluation = evaluation,
                ExportedStep = exportedStep,
                StoppedEarly = result.StoppedEarly,
                Interrupted = result.Interrupted,
                Outputs = outputs,
            };
            WriteSummary(plan, summary);
            return summary;
        }
        finally
        {
            model.Module.Dispose();
        }
    }

    /// <summary>
    /// Exports <paramref name="model"/> as <paramref name="save"/> asks (both: merged and adapter) into the plan's
    /// output directories, each with the tokenizer files; returns the folders by kind ("merged", "adapter").
    /// </summary>
    public static Dictionary<string, string> Export(JobPlan plan, ILanguageModel model, IFineTuneMethod method, SaveMode save)
    {
        var outputs = new Dictionary<string, string>();
        foreach (var kind in save == SaveMode.Both ? new[] { SaveMode.Merged, SaveMode.Adapter } : new[] { save })
        {
            var directory = plan.OutputDirectory(kind);
            method.Export(model, directory, kind);
            CopyTokenizerFiles(plan.TokenizerDirectory, directory);
            outputs[JsonNames.OfEnumValue(kind)] = directory;
        }
        return outputs;
    }

    /// <summary>Writes <paramref name="summary"/> as the plan's metrics.json.</summary>
    public static void WriteSummary(JobPlan plan, JobResult summary)
    {
        Directory.CreateDirectory(plan.RunDirectory);
        File.WriteAllText(plan.ResultFile, JsonSerializer.Serialize(summary, SummaryJson));
    }

    private static readonly JsonSerializerOptions SummaryJson = new() { WriteIndented = true };

    /// <summary>Copies the tokenizer files present in <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static void CopyTokenizerFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var name in TokenizerFiles)
        {
            var source = Path.Combine(from, name);
            if (File.Exists(source)) File.Copy(source, Path.Combine(to, name), overwrite: true);
        }
    }
}
