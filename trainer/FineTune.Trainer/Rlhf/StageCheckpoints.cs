using System.Diagnostics;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// Checkpoints of the reward and ppo loops, in the format every other stage writes (<see cref="TrainingCheckpoint"/>:
/// weights, optimizer moments, trainer_state.json last) through the run's <see cref="ICheckpointStore"/> (local
/// folder or object store, keep-last-K and verification included), reported to the observer as the shared loop does.
/// </summary>
public sealed class StageCheckpoints(ICheckpointStore store, ITrainingObserver observer)
{
    /// <summary>
    /// Loads the newest complete checkpoint's weights into <paramref name="model"/> and returns where it is, or null
    /// when the run has none. A checkpoint written by another method is refused.
    /// </summary>
    /// <exception cref="InvalidOperationException">The checkpoint belongs to another method or does not fit the model.</exception>
    public ResumePoint? Resume(ILanguageModel model, string method)
    {
        var directory = store.LatestForResume();
        if (directory is null) return null;
        var state = TrainingCheckpoint.ReadState(directory);
        if (state.Method != method)
            throw new InvalidOperationException(
                $"{directory}: the checkpoint was written by method {state.Method}, this run uses {method}; use a new run id or output.uri");
        TrainingCheckpoint.LoadWeights(directory, model);
        observer.OnMessage($"resuming from {directory} at step {state.Step}");
        return new ResumePoint(state, directory);
    }

    /// <summary>
    /// Writes <paramref name="model"/>, <paramref name="optimizer"/> and <paramref name="state"/> as the checkpoint of
    /// state.Step, commits it with <paramref name="metrics"/> and reports duration and size. Returns where it lives.
    /// </summary>
    public string Save(ILanguageModel model, MasterWeightAdamW optimizer, TrainingState state, IReadOnlyDictionary<string, double> metrics)
    {
        var writing = Stopwatch.StartNew();
        var staging = store.CreateStagingDirectory(state.Step);
        TrainingCheckpoint.Write(staging, model, optimizer, state);
        var bytes = CheckpointReport.SizeOf(staging); // measured before the commit moves or uploads the files
        var location = store.Commit(staging, state.Step, metrics);
        observer.OnCheckpoint(new CheckpointReport(state.Step, location, writing.Elapsed, bytes));
        return location;
    }

    /// <summary>The run's size for <see cref="ITrainingObserver.OnStart"/>: elements trained by <paramref name="optimizer"/> and in all.</summary>
    public static RunShape Shape(ILanguageModel model, MasterWeightAdamW optimizer, long totalSteps, long resumedFrom)
    {
        var trainable = optimizer.ParameterNames.ToHashSet(StringComparer.Ordinal);
        long all = 0, trained = 0;
        foreach (var (name, parameter) in model.Module.named_parameters())
        {
            all += parameter.numel();
            if (trainable.Contains(name)) trained += parameter.numel();
        }
        return new RunShape(totalSteps, resumedFrom, trained, all);
    }
}
