using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Models;
using FineTune.Trainer.Runtime;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Tokenization.Chat;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// Runs a planned upft job: loads tokenizer and model, reads the prompts, samples the model's answers once (or, on
/// resume, reads the set the checkpoint carries), trains the policy method on them in the shared training loop
/// (checkpoints, resume, metrics and SIGTERM as for every method), exports like the policy method and writes
/// metrics.json with a "upft" block.
/// </summary>
public static class UpftRunner
{
    /// <summary>Runs <paramref name="plan"/> (a plan of <see cref="UpftPlanner"/>); <paramref name="checkpoints"/> as in <see cref="JobRunner.Run"/>.</summary>
    public static JobResult Run(JobPlan plan, ITrainingObserver observer, CancellationToken cancellation = default,
        ICheckpointStore? checkpoints = null)
    {
        var spec = plan.Job.Spec;
        var hyperparameters = spec.Hyperparameters;
        var settings = UpftSettings.From(spec);
        var tokenizer = TokenizerLoader.Load(plan.TokenizerDirectory);
        var method = UpftMethod.For(spec);
        var save = method.ResolveSave(spec.Output.Save);
        var device = DeviceSelector.Select(JsonNames.OfEnumValue(spec.Resources.Device));

        var config = HuggingFaceCheckpoint.ReadConfig(plan.ModelDirectory);
        if (hyperparameters.SequenceLength > config.MaxPositions)
            throw new JobInputException(
                $"spec.hyperparameters.sequenceLength: {hyperparameters.SequenceLength} is longer than the model's {config.MaxPositions} positions " +
                $"(max_position_embeddings in {Path.Combine(plan.ModelDirectory, CheckpointFiles.Config)}); expected at most {config.MaxPositions}.");
        if (spec.Dataset is { } dataset)
            observer.OnMessage($"upft: spec.dataset ({dataset.Uri}) is not read; the prompts come from spec.upft.promptsUri ({spec.Upft!.PromptsUri})");
        var encoder = new UpftPromptEncoder(tokenizer, ChatTemplateDetector.FromModelDirectory(plan.TokenizerDirectory));
        var prompts = UpftPrompts.Read(plan.TrainFile, encoder, settings);
        var fingerprint = UpftSampler.Fingerprint(plan.TrainFile, settings, encoder);

        var (loaded, _) = HuggingFaceCheckpoint.Load(plan.ModelDirectory, device);
        if (loaded is not ICausalLanguageModel model)
        {
            loaded.Module.Dispose();
            throw new JobInputException(
                $"{plan.ModelDirectory}: model_type '{config.ModelType}' is not a decoder; upft samples answers and needs a causal language model (gpt2, llama, mistral, qwen2).");
        }
        try
        {
            var store = checkpoints ?? new LocalCheckpointStore(plan.RunDirectory, spec.Output.KeepCheckpoints);
            UpftSampleSet set;
            try
            {
                set = Resumed(store, fingerprint, observer) ?? SampleNow(model, prompts, settings, encoder, fingerprint, observer, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // Nothing trained yet, so nothing to checkpoint: the next start samples the same set again (same seeds).
                observer.OnMessage("upft: interrupted while sampling, before any training step; the next start samples again");
                var stopped = new JobResult { RunId = plan.RunId, Stage = plan.Stage, Method = method.Name, Steps = 0, Interrupted = true };
                JobRunner.WriteSummary(plan, stopped);
                return stopped;
            }
            var setFile = Path.Combine(plan.RunDirectory, UpftSampleSet.FileName);
            set.Write(setFile);

            var examples = set.ToExamples();
            var options = TrainingOptions.From(hyperparameters, examples.Count);
            observer.OnMessage($"upft ({method.Policy.Name} policy) of {config.ModelType} ({plan.ModelDirectory}) on {examples.Count} samples " +
                               $"({set.StructureCount} whole answers, {set.TrainedTokens} trained tokens), {options.TotalSteps} steps, " +
                               $"{hyperparameters.Precision.ToString().ToLowerInvariant()}, run {plan.RunId}");
            var loop = new TrainingLoop(model, method, examples, [], options, tokenizer.PadId, device,
                new SampleCarryingCheckpointStore(store, setFile), observer);
            var result = loop.Run(cancellation);

            var outputs = result.Interrupted ? [] : JobRunner.Export(plan, model, method, save);
            var summary = new JobResult
            {
                RunId = plan.RunId,
                Stage = plan.Stage,
                Method = method.Name,
                Steps = result.Steps,
                Loss = result.LastLoss,
                ExportedStep = result.Steps,
                StoppedEarly = result.StoppedEarly,
                Interrupted = result.Interrupted,
                Outputs = outputs,
                MethodBlocks = new Dictionary<string, object> { ["upft"] = Block(set, method) },
            };
            JobRunner.WriteSummary(plan, summary);
            return summary;
        }
        finally
        {
            model.Module.Dispose();
        }
    }

    // The set the newest checkpoint carries, when there is one; a set sampled under other prompts or settings is refused.
    private static UpftSampleSet? Resumed(ICheckpointStore store, string fingerprint, ITrainingObserver observer)
    {
        if (store.LatestForResume() is not { } checkpoint) return null;
        var path = Path.Combine(checkpoint, UpftSampleSet.FileName);
        if (!File.Exists(path)) return null; // not a upft checkpoint: the loop refuses it by its method name
        var set = UpftSampleSet.Read(path);
        if (set.Fingerprint != fingerprint)
            throw new JobInputException(
                $"{checkpoint}: the checkpoint's upft samples were drawn from another prompts file or other spec.upft / seed / sequenceLength " +
                "settings than this job has; resuming would train on examples the run did not start with. Use a new run id or output.uri.");
        observer.OnMessage($"upft: resuming with the {set.Samples.Count} samples of {checkpoint}");
        return set;
    }

    private static UpftSampleSet SampleNow(ICausalLanguageModel model, IReadOnlyList<Data.Example> prompts, UpftSettings settings,
        UpftPromptEncoder encoder, string fingerprint, ITrainingObserver observer, CancellationToken cancellation)
    {
        var framing = encoder.Template is { } template ? $"{template.ToString().ToLowerInvariant()} chat template" : "plain text (the model has no chat template)";
        observer.OnMessage(string.Create(CultureInfo.InvariantCulture,
            $"upft: sampling {settings.SamplesPerPrompt} answer(s) to each of {prompts.Count} prompts in {framing}, temperature {settings.Temperature}"));
        return UpftSampler.Sample(model, prompts, settings, encoder.StopTokenId(), fingerprint, observer.OnMessage, cancellation);
    }

    private static JsonObject Block(UpftSampleSet set, UpftMethod method) => new()
    {
        ["policyMethod"] = method.Policy.Name,
        ["prompts"] = set.Samples.Select(s => s.Line).Distinct().Count(),
        ["samples"] = set.Samples.Count,
        ["structureSamples"] = set.StructureCount,
        ["trainedTokens"] = set.TrainedTokens,
    };
}
