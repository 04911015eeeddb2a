using System.Diagnostics;
using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Batching;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// Trains a <see cref="RewardModel"/> on preference pairs with the pairwise loss (every parameter trains, as TRL's
/// RewardTrainer does without PEFT), evaluating accuracy on the validation pairs every evaluation interval and at the end.
/// </summary>
public sealed class RewardTrainer(RewardModel model, IReadOnlyList<Example> train, IReadOnlyList<Example> validation,
    TrainingOptions options, int padId, Device device, ITrainingObserver observer)
{
    /// <summary>Runs <see cref="TrainingOptions.TotalSteps"/> steps (or until <paramref name="cancellation"/>).</summary>
    public RewardTrainingResult Run(CancellationToken cancellation = default)
    {
        if (train.Any(e => e.Rejected is null))
            throw new ArgumentException("reward training needs preference examples (chosen and rejected)", nameof(train));
        var parameters = model.Parameters().ToList();
        foreach (var parameter in parameters) parameter.requires_grad = true;
        using var optimizer = optim.AdamW(parameters, options.Schedule.At(0), weight_decay: options.WeightDecay);
        var iterator = new BatchIterator(train, options.BatchSize, padId, options.Seed, shuffle: true);
        var clock = Stopwatch.StartNew();
        long step = 0, tokensSeen = 0;
        double lastLoss = double.NaN;
        double? accuracy = null, validationLoss = null;
        var interrupted = false;
        model.Decoder.Module.train();
        while (step < options.TotalSteps)
        {
            if (cancellation.IsCancellationRequested) { interrupted = true; break; }
            double norm;
            long tokens;
            var learningRate = options.Schedule.At(step);
            using (NewDisposeScope())
            {
                manual_seed(unchecked(options.Seed * 1_000_003 + step));
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                optimizer.zero_grad();
                var batch = iterator.Next();
                var (chosen, rejected) = Score(batch);
                var loss = PreferenceLoss.Pairwise(chosen, rejected);
                loss.backward();
                lastLoss = loss.item<float>();
                if (!double.IsFinite(lastLoss)) throw new TrainingDivergedException(step + 1, "reward-model loss", lastLoss, null);
                norm = options.MaxGradNorm > 0 ? nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm) : 0;
                optimizer.step();
                tokens = batch.TokenCount + batch.Rejected!.TokenCount;
            }
            step++;
            tokensSeen += tokens;
            var seconds = clock.Elapsed.TotalSeconds;
            observer.OnStep(new StepReport(step, options.TotalSteps, lastLoss, learningRate, norm, tokens,
                seconds > 0 ? tokensSeen / seconds : 0, seconds / step * (options.TotalSteps - step), iterator.Position.Epoch));
            if (validation.Count > 0 && (step % options.EvalEverySteps == 0 || step == options.TotalSteps))
            {
                (accuracy, validationLoss) = Evaluate(validation);
                observer.OnEvaluation(step, new EvaluationMetrics
                {
                    Loss = validationLoss.Value, Perplexity = Math.Exp(validationLoss.Value), Tokens = 0, Examples = validation.Count, Accuracy = accuracy,
                }, improved: false);
                observer.OnRlhf(step, new RlhfStepMetrics(RewardModelAccuracy: accuracy));
            }
        }
        model.Decoder.Module.eval();
        return new RewardTrainingResult(step, lastLoss, accuracy, validationLoss, interrupted);
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

    private (Tensor Chosen, Tensor Rejected) Score(Batch batch)
    {
        var chosen = TrainingBatch.From(batch, device);
        var rejected = TrainingBatch.From(batch.Rejected!, device);
        return (model.Rewards(chosen.InputIds, chosen.AttentionMask), model.Rewards(rejected.InputIds, rejected.AttentionMask));
    }
}
