using System.Diagnostics;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Batching;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// Trains a <see cref="RewardModel"/> on preference pairs with the pairwise loss (every parameter trains, as TRL's
/// RewardTrainer does without PEFT), evaluating accuracy on the validation pairs every evaluation interval and at the end.
/// Checkpoints (decoder and score head, AdamW moments, step, data position) go to <paramref name="checkpoints"/> every
/// checkpoint interval, at the end and after the step during which cancellation came; a run resumes from the newest.
/// </summary>
/// <remarks>
/// Exact resume as in <see cref="TrainingLoop"/>: the learning rate is a function of the step, dropout draws from
/// torch's generator reseeded with (seed, step) every step, and the batch iterator's position is saved; so N steps, an
/// interruption and N more in a new process equal 2N straight steps on CPU, bit for bit.
/// </remarks>
public sealed class RewardTrainer(RewardModel model, IReadOnlyList<Example> train, IReadOnlyList<Example> validation,
    TrainingOptions options, int padId, Device device, ICheckpointStore checkpoints, ITrainingObserver observer)
{
    /// <summary>The method name in the stage's checkpoints (a resume by another method is refused).</summary>
    public const string MethodName = "reward";

    /// <summary>The score head's module name (its tensor is <see cref="RewardModel.ScoreWeight"/>).</summary>
    public const string ScoreModule = "score";

    /// <summary>
    /// Runs to <see cref="TrainingOptions.TotalSteps"/> from the newest checkpoint (or from the start); cancelling
    /// <paramref name="cancellation"/> checkpoints after the current step and returns with Interrupted set.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or gradient norm became NaN or infinite.</exception>
    public RewardTrainingResult Run(CancellationToken cancellation = default)
    {
        if (train.Any(e => e.Rejected is null))
            throw new ArgumentException("reward training needs preference examples (chosen and rejected)", nameof(train));
        foreach (var parameter in model.Parameters()) parameter.requires_grad = true;
        var trained = new ModelWithHeads(model.Decoder, (ScoreModule, model.Head));
        var saver = new StageCheckpoints(checkpoints, observer);
        var resume = saver.Resume(trained, MethodName);
        var state = resume?.State ?? new TrainingState { Method = MethodName, TotalSteps = options.TotalSteps };
        var names = trained.Module.named_parameters().Select(p => p.name).ToList();
        using var optimizer = new MasterWeightAdamW(trained, names, Precision.Fp32, options.WeightDecay);
        if (resume is not null) TrainingCheckpoint.LoadOptimizer(resume.Directory, optimizer, state.Step);
        var resumedFrom = state.Step;
        observer.OnStart(StageCheckpoints.Shape(trained, optimizer, options.TotalSteps, resumedFrom));

        var iterator = new BatchIterator(train, options.BatchSize, padId, options.Seed, shuffle: true, start: state.DataPosition);
        var clock = Stopwatch.StartNew();
        long tokensSeen = 0;
        double? accuracy = null, validationLoss = null;
        var lastCheckpoint = resume?.Directory;
        var interrupted = false;
        model.Decoder.Module.train();
        while (state.Step < options.TotalSteps)
        {
            var stepIndex = state.Step;
            double loss, norm;
            long tokens;
            var learningRate = options.Schedule.At(stepIndex);
            using (NewDisposeScope())
            {
                manual_seed(unchecked(options.Seed * 1_000_003 + stepIndex));
                optimizer.ZeroGradients();
                var batch = iterator.Next();
                var (chosen, rejected) = Score(batch);
                var pairwise = PreferenceLoss.Pairwise(chosen, rejected);
                pairwise.backward();
                loss = pairwise.item<float>();
                if (!double.IsFinite(loss)) throw new TrainingDivergedException(stepIndex + 1, "reward-model loss", loss, lastCheckpoint);
                norm = optimizer.Step(learningRate, options.MaxGradNorm);
                if (!double.IsFinite(norm)) throw new TrainingDivergedException(stepIndex + 1, "gradient norm", norm, lastCheckpoint);
                tokens = batch.TokenCount + batch.Rejected!.TokenCount;
            }
            state = state with { Step = stepIndex + 1, DataPosition = iterator.Position, LastLoss = loss };
            tokensSeen += tokens;
            var seconds = clock.Elapsed.TotalSeconds;
            var done = state.Step - resumedFrom;
            observer.OnStep(new StepReport(state.Step, options.TotalSteps, loss, learningRate, norm, tokens,
                seconds > 0 ? tokensSeen / seconds : 0, seconds / done * (options.TotalSteps - state.Step), iterator.Position.Epoch));

            var last = state.Step == options.TotalSteps;
            var evaluated = validation.Count > 0 && (state.Step % options.EvalEverySteps == 0 || last);
            if (evaluated) (accuracy, validationLoss) = Report(state.Step);
            interrupted = cancellation.IsCancellationRequested && !last;
            if (state.Step % options.CheckpointEverySteps == 0 || last || interrupted)
            {
                var metrics = new Dictionary<string, double> { ["loss"] = loss };
                if (evaluated) metrics["eval_loss"] = validationLoss!.Value;
                lastCheckpoint = saver.Save(trained, optimizer, state, metrics);
            }
            if (interrupted) break;
        }
        // A run resumed from its final checkpoint took no step: the end-of-run figures still come from an evaluation.
        if (!interrupted && accuracy is null && validation.Count > 0) (accuracy, validationLoss) = Report(state.Step);
        model.Decoder.Module.eval();
        return new RewardTrainingResult(state.Step, state.LastLoss ?? double.NaN, accuracy, validationLoss, interrupted)
        {
            ResumedFromStep = resumedFrom,
            LastCheckpoint = lastCheckpoint,
        };
    }

    /// <summary>Accuracy and mean pairwise loss of the model on <paramref name="pairs"/> (no gradients, eval mode).</summary>
    public (double Accuracy, double Loss) Evaluate(IReadOnlyList<Example> pairs)
    {
        var wasTraining = model.Decoder.Module.training;
        model.Decoder.Module.eval();
        using var noGrad = no_grad();
        double correct = 0, lossSum = 0;
        try
        {
            for (var start = 0; start < pairs.Count; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var slice = pairs.Skip(start).Take(options.BatchSize).ToList();
                var (chosen, rejected) = Score(BatchCollator.Collate(slice, padId));
                correct += PreferenceLoss.Accuracy(chosen, rejected) * slice.Count;
                lossSum += PreferenceLoss.Pairwise(chosen, rejected).item<float>() * slice.Count;
            }
        }
        finally
        {
            if (wasTraining) model.Decoder.Module.train();
        }
        return (correct / pairs.Count, lossSum / pairs.Count);
    }

    private (double Accuracy, double Loss) Report(long step)
    {
        var (accuracy, loss) = Evaluate(validation);
        observer.OnEvaluation(step, new EvaluationMetrics
        {
            Loss = loss, Perplexity = Math.Exp(loss), Tokens = 0, Examples = validation.Count, Accuracy = accuracy,
        }, improved: false);
        observer.OnRlhf(step, new RlhfStepMetrics(RewardModelAccuracy: accuracy));
        return (accuracy, loss);
    }

    private (Tensor Chosen, Tensor Rejected) Score(Batch batch)
    {
        var chosen = TrainingBatch.From(batch, device);
        var rejected = TrainingBatch.From(batch.Rejected!, device);
        return (model.Rewards(chosen.InputIds, chosen.AttentionMask), model.Rewards(rejected.InputIds, rejected.AttentionMask));
    }
}
