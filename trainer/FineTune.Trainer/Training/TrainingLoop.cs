using System.Diagnostics;
using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Batching;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training.Checkpointing;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Training;

/// <summary>
/// The training loop shared by every method: AdamW with warmup and decay, gradient accumulation, norm clipping, fp32
/// or bf16 with fp32 masters, evaluation, early stopping, periodic and best checkpoints, exact resume and a NaN guard.
/// Each optimizer step runs inside one dispose scope, so the live tensor count stays flat however long the run.
/// </summary>
/// <remarks>
/// Exact resume: the learning rate is a function of the step, dropout draws from torch's generator reseeded with
/// (seed, step) at the start of every step, the batch iterator's position is saved, and the optimizer state and fp32
/// weights are saved bit for bit; so N steps, a checkpoint, a new process and N more steps equal 2N steps on CPU.
/// </remarks>
public sealed class TrainingLoop
{
    private readonly ILanguageModel _model;
    private readonly IFineTuneMethod _method;
    private readonly IReadOnlyList<Example> _train;
    private readonly IReadOnlyList<Example> _validation;
    private readonly TrainingOptions _options;
    private readonly int _padId;
    private readonly Device _device;
    private readonly ICheckpointStore _checkpoints;
    private readonly ITrainingObserver _observer;

    /// <summary>
    /// Prepares a run of <paramref name="method"/> on <paramref name="model"/> (fp32, on <paramref name="device"/>, the
    /// method not yet applied or already applied: applying is idempotent).
    /// </summary>
    public TrainingLoop(ILanguageModel model, IFineTuneMethod method, PreparedDataset data, TrainingOptions options,
        int padId, Device device, ICheckpointStore checkpoints, ITrainingObserver? observer = null)
        : this(model, method, data.Train, data.Validation, options, padId, device, checkpoints, observer)
    {
    }

    /// <summary>As above, with the example lists given directly.</summary>
    public TrainingLoop(ILanguageModel model, IFineTuneMethod method, IReadOnlyList<Example> train, IReadOnlyList<Example> validation,
        TrainingOptions options, int padId, Device device, ICheckpointStore checkpoints, ITrainingObserver? observer = null)
    {
        _model = model;
        _method = method;
        _train = train;
        _validation = validation;
        _options = options;
        _padId = padId;
        _device = device;
        _checkpoints = checkpoints;
        _observer = observer ?? NullTrainingObserver.Instance;
    }

    /// <summary>
    /// Trains to <see cref="TrainingOptions.TotalSteps"/> (or an early stop), resuming from the newest checkpoint in
    /// the store when there is one. Cancelling <paramref name="cancellation"/> writes a checkpoint after the current
    /// step and returns with <see cref="TrainingResult.Interrupted"/>. After return the model holds the final weights
    /// (fp32 masters copied back when training ran in bf16).
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or gradient norm became NaN or infinite.</exception>
    public TrainingResult Run(CancellationToken cancellation = default)
    {
        var state = new TrainingState { Method = _method.Name, TotalSteps = _options.TotalSteps };
        var resumeFrom = _checkpoints.LatestForResume();
        _method.Apply(_model);
        if (resumeFrom is not null)
        {
            state = TrainingCheckpoint.ReadState(resumeFrom);
            if (state.Method != _method.Name)
                throw new InvalidOperationException(
                    $"{resumeFrom}: the checkpoint was written by method {state.Method}, this run uses {_method.Name}; use a new run id or output.uri");
            TrainingCheckpoint.LoadWeights(resumeFrom, _model);
            _observer.OnMessage($"resuming from {resumeFrom} at step {state.Step}");
        }

        using var optimizer = new MasterWeightAdamW(_model, _method.TrainableParameterNames(_model), _options.Precision, _options.WeightDecay);
        _method.Apply(_model);
        optimizer.Bind(_model);
        if (resumeFrom is not null) TrainingCheckpoint.LoadOptimizer(resumeFrom, optimizer, state.Step);
        _observer.OnStart(Shape(optimizer, state.Step));
        (_method as IStepAwareMethod)?.StepsCompleted(state.Step);

        var iterator = new BatchIterator(_train, _options.BatchSize, _padId, _options.Seed, shuffle: true, start: state.DataPosition);
        var classification = _model is ISequenceClassifier;
        var resumedFrom = state.Step;
        var lastCheckpoint = resumeFrom;
        long lastCheckpointStep = resumeFrom is null ? -1 : state.Step;
        EvaluationMetrics? lastEvaluation = null;
        var stoppedEarly = false;
        var interrupted = false;
        var clock = Stopwatch.StartNew();
        long tokensSeen = 0;

        _model.Module.train();
        while (state.Step < _options.TotalSteps)
        {
            var stepIndex = state.Step;
            double loss, norm;
            long tokens, samples;
            using (NewDisposeScope())
            {
                manual_seed(unchecked(_options.Seed * 1_000_003 + stepIndex));
                optimizer.ZeroGradients();
                var micro = new List<TrainingBatch>(_options.AccumulationSteps);
                for (var i = 0; i < _options.AccumulationSteps; i++) micro.Add(TrainingBatch.From(iterator.Next(), _device));
                var totalTargets = Math.Max(1, micro.Sum(b => b.TargetCount(classification)));
                loss = 0;
                tokens = 0;
                samples = 0;
                foreach (var batch in micro)
                {
                    // Every target of the step weighs the same: sums over micro-batches divided by the step's target count.
                    var custom = _method.ComputeLoss(_model, batch);
                    var scaled = custom is not null
                        ? custom.div(_options.AccumulationSteps)
                        : LossFunctions.Sum(_model, batch).LossSum.div(totalTargets);
                    scaled.backward();
                    loss += scaled.item<float>();
                    tokens += batch.Source.TokenCount;
                    samples += batch.Source.Size;
                }
                if (!double.IsFinite(loss)) throw new TrainingDivergedException(stepIndex + 1, "training loss", loss, lastCheckpoint);
                norm = optimizer.Step(_options.Schedule.At(stepIndex), _options.MaxGradNorm);
                if (!double.IsFinite(norm)) throw new TrainingDivergedException(stepIndex + 1, "gradient norm", norm, lastCheckpoint);
            }

            state = state with { Step = stepIndex + 1, DataPosition = iterator.Position, LastLoss = loss };
            (_method as IStepAwareMethod)?.StepsCompleted(state.Step);
            tokensSeen += tokens;
            var seconds = clock.Elapsed.TotalSeconds;
            var done = state.Step - resumedFrom;
            _observer.OnStep(new StepReport(state.Step, _options.TotalSteps, loss, _options.Schedule.At(stepIndex), norm, tokens,
                seconds > 0 ? tokensSeen / seconds : 0, seconds / done * (_options.TotalSteps - state.Step), iterator.Position.Epoch,
                samples, EpochProgress(iterator.Position)));
            if (_method is IMethodMetricsSource source && source.StepMetrics(_model) is { } methodMetrics)
                _observer.OnMethodMetrics(state.Step, methodMetrics);

            var last = state.Step == _options.TotalSteps;
            var improved = false;
            if (_validation.Count > 0 && (state.Step % _options.EvalEverySteps == 0 || last))
            {
                lastEvaluation = Evaluator.Evaluate(_model, _validation, _options.BatchSize, _padId, _device);
                improved = state.BestEvalLoss is not double best || lastEvaluation.Loss < best;
                state = improved
                    ? state with { BestEvalLoss = lastEvaluation.Loss, BestStep = state.Step, EvaluationsWithoutImprovement = 0 }
                    : state with { EvaluationsWithoutImprovement = state.EvaluationsWithoutImprovement + 1 };
                _observer.OnEvaluation(state.Step, lastEvaluation, improved);
                if (_options.EarlyStoppingPatience is int patience && state.EvaluationsWithoutImprovement >= patience)
                {
                    stoppedEarly = true;
                    _observer.OnMessage($"early stopping at step {state.Step}: validation loss did not improve for {patience} evaluations (best {state.BestEvalLoss:G6} at step {state.BestStep})");
                }
            }

            interrupted = cancellation.IsCancellationRequested && !last;
            if (state.Step % _options.CheckpointEverySteps == 0 || last || improved || stoppedEarly || interrupted)
            {
                var metrics = new Dictionary<string, double> { ["loss"] = loss };
                if (improved || (lastEvaluation is not null && state.Step % _options.EvalEverySteps == 0) || (last && lastEvaluation is not null))
                    metrics["eval_loss"] = lastEvaluation!.Loss;
                var writing = Stopwatch.StartNew();
                var staging = _checkpoints.CreateStagingDirectory(state.Step);
                TrainingCheckpoint.Write(staging, _model, optimizer, state);
                var bytes = CheckpointReport.SizeOf(staging); // measured before the commit moves or uploads the files
                lastCheckpoint = _checkpoints.Commit(staging, state.Step, metrics);
                lastCheckpointStep = state.Step;
                _observer.OnCheckpoint(new CheckpointReport(state.Step, lastCheckpoint, writing.Elapsed, bytes));
            }
            if (stoppedEarly || interrupted) break;
        }

        CopyMastersIntoModel(optimizer);
        return new TrainingResult
        {
            Steps = state.Step,
            LastLoss = state.LastLoss,
            LastEvaluation = lastEvaluation,
            BestEvalLoss = state.BestEvalLoss,
            BestStep = state.BestStep,
            StoppedEarly = stoppedEarly,
            Interrupted = interrupted,
            ResumedFromStep = resumedFrom,
            LastCheckpoint = lastCheckpoint,
        };
    }

    // Counted on the model as trained (the method applied), so injected adapter weights count in both numbers.
    private RunShape Shape(MasterWeightAdamW optimizer, long resumedFrom)
    {
        var trainable = optimizer.ParameterNames.ToHashSet(StringComparer.Ordinal);
        long all = 0, trained = 0;
        foreach (var (name, parameter) in _model.Module.named_parameters())
        {
            all += parameter.numel();
            if (trainable.Contains(name)) trained += parameter.numel();
        }
        return new RunShape(_options.TotalSteps, resumedFrom, trained, all);
    }

    private static double EpochProgress(DataPosition position) =>
        position.Epoch + (position.ExampleCount > 0 ? (double)position.Index / position.ExampleCount : 0);

    // In bf16 the model holds rounded weights; export and evaluation after training should see the fp32 masters.
    private void CopyMastersIntoModel(MasterWeightAdamW optimizer)
    {
        if (optimizer.Precision != Api.V1Alpha1.Precision.Bf16) return;
        var masters = optimizer.Masters.ToDictionary(m => m.Name, m => m.Master, StringComparer.Ordinal);
        _model.Module.to(ScalarType.Float32);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in _model.Module.named_parameters())
            if (masters.TryGetValue(name, out var master)) parameter.copy_(master);
        _method.Apply(_model);
    }
}
