using System.Diagnostics;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Models;
using FineTune.Trainer.Models.Generation;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// PPO for language models (Ziegler et al., 2019; Ouyang et al., 2022), shaped like TRL's PPO trainer. Each iteration
/// samples a response per prompt with the KV cache, scores it with the reward model, and gives every response token the
/// reward -klCoef·(log π - log π_ref), plus the reward-model score on the last token; GAE turns those into advantages
/// against a value head on the policy's hidden states, and ppoEpochs optimizer steps minimise the clipped policy loss
/// plus valueCoef × the clipped value loss over the whole rollout batch. Dropout stays off (old and new log-probabilities
/// must come from the same function).
/// </summary>
/// <remarks>
/// Checkpoints (policy weights with the adapter for lora, value head, AdamW moments, iteration, prompt position) go to
/// the stage's store every checkpoint interval, at the end and after the iteration during which cancellation came.
/// Resume is exact: sampling seeds and learning rate are functions of the iteration and the prompt order of its
/// position, so N iterations, an interruption and N more in a new process equal 2N straight iterations on CPU.
/// The reference and reward models are inputs, rebuilt by the caller, not state.
/// </remarks>
public sealed class PpoTrainer
{
    private readonly ICausalLanguageModel _policy;
    private readonly IFineTuneMethod _method;
    private readonly ReferencePolicy _reference;
    private readonly IRewardScorer _reward;
    private readonly IReadOnlyList<Example> _prompts;
    private readonly PpoSettings _settings;
    private readonly Device _device;
    private readonly ICheckpointStore _checkpoints;
    private readonly ITrainingObserver _observer;

    /// <summary>The value head's module name (its tensors are v_head.summary.weight and .bias, as TRL names them).</summary>
    public const string ValueHeadModule = "v_head";

    /// <summary>
    /// Prepares PPO of <paramref name="policy"/> (trained through <paramref name="method"/>) on <paramref name="prompts"/>,
    /// checkpointing into <paramref name="checkpoints"/>.
    /// </summary>
    public PpoTrainer(ICausalLanguageModel policy, IFineTuneMethod method, ReferencePolicy reference, IRewardScorer reward,
        IReadOnlyList<Example> prompts, PpoSettings settings, Device device, ICheckpointStore checkpoints, ITrainingObserver? observer = null)
    {
        if (prompts.Count == 0) throw new ArgumentException("PPO needs at least one prompt", nameof(prompts));
        _policy = policy;
        _method = method;
        _reference = reference;
        _reward = reward;
        _prompts = prompts;
        _settings = settings;
        _device = device;
        _checkpoints = checkpoints;
        _observer = observer ?? NullTrainingObserver.Instance;
        ValueHead = new ValueHead(policy.Config.HiddenSize, device);
    }

    /// <summary>The critic trained beside the policy.</summary>
    public ValueHead ValueHead { get; }

    /// <summary>The method name in the stage's checkpoints: ppo- and the policy method (a resume by another is refused).</summary>
    public string MethodName => "ppo-" + _method.Name;

    /// <summary>
    /// Runs the iterations from the newest checkpoint (or from the start). Cancelling <paramref name="cancellation"/>
    /// checkpoints after the current iteration and returns with Interrupted set.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or gradient norm became NaN or infinite.</exception>
    public PpoTrainingResult Run(CancellationToken cancellation = default)
    {
        _method.Apply(_policy);
        var trained = new ModelWithHeads(_policy, (ValueHeadModule, ValueHead));
        var saver = new StageCheckpoints(_checkpoints, _observer);
        var resume = saver.Resume(trained, MethodName);
        var state = resume?.State ?? new TrainingState { Method = MethodName, TotalSteps = _settings.Iterations };
        var names = _method.TrainableParameterNames(_policy)
            .Concat(ValueHead.named_parameters().Select(p => ValueHeadModule + "." + p.name)).ToList();
        using var optimizer = new MasterWeightAdamW(trained, names, Precision.Fp32, weightDecay: 0);
        // Every iteration takes ppoEpochs optimizer steps (a non-finite one stops the run), so the count follows.
        if (resume is not null) TrainingCheckpoint.LoadOptimizer(resume.Directory, optimizer, state.Step * _settings.Ppo.PpoEpochs);
        var resumedFrom = state.Step;
        _observer.OnStart(StageCheckpoints.Shape(trained, optimizer, _settings.Iterations, resumedFrom));

        _policy.Module.eval();
        var order = new PromptOrder(_prompts.Count, _settings.Seed, state.DataPosition);
        var reports = new List<PpoIterationReport>();
        var lastCheckpoint = resume?.Directory;
        var interrupted = false;
        var clock = Stopwatch.StartNew();
        long tokensSeen = 0;
        for (var iteration = state.Step + 1; iteration <= _settings.Iterations; iteration++)
        {
            var rows = Enumerable.Range(0, _settings.Ppo.RolloutBatchSize).Select(_ => _prompts[order.Next()]).ToList();
            var rollout = Sample(rows, iteration);
            var (report, norm) = Optimize(rollout, optimizer, iteration, lastCheckpoint);
            reports.Add(report);
            var loss = report.PolicyLoss + _settings.Ppo.ValueCoef * report.ValueLoss;
            state = state with { Step = iteration, DataPosition = order.Position, LastLoss = loss };
            var tokens = rollout.AttentionMask.Sum();
            tokensSeen += tokens;
            var seconds = clock.Elapsed.TotalSeconds;
            var done = iteration - resumedFrom;
            _observer.OnStep(new StepReport(iteration, _settings.Iterations, loss, _settings.LearningRate, norm, tokens,
                seconds > 0 ? tokensSeen / seconds : 0, seconds / done * (_settings.Iterations - iteration), order.Epoch));
            _observer.OnRlhf(iteration, new RlhfStepMetrics(RewardMean: report.RewardMean, KlDivergence: report.Kl,
                ClipFraction: report.ClipFraction, ValueLoss: report.ValueLoss));

            var last = iteration == _settings.Iterations;
            interrupted = cancellation.IsCancellationRequested && !last;
            if (iteration % _settings.CheckpointEverySteps == 0 || last || interrupted)
                lastCheckpoint = saver.Save(trained, optimizer, state, new Dictionary<string, double> { ["loss"] = loss });
            if (interrupted) break;
        }
        return new PpoTrainingResult(state.Step, reports, interrupted)
        {
            ResumedFromIteration = resumedFrom,
            LastLoss = state.LastLoss,
            LastCheckpoint = lastCheckpoint,
        };
    }

    private Rollout Sample(IReadOnlyList<Example> rows, long iteration)
    {
        var prompts = new List<IReadOnlyList<long>>(rows.Count);
        var responses = new List<IReadOnlyList<long>>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var prompt = rows[i].Sequence.InputIds.Select(id => (long)id).ToArray();
            var options = new GenerationOptions
            {
                MaxNewTokens = _settings.Ppo.MaxNewTokens,
                Temperature = _settings.Ppo.Temperature,
                Seed = unchecked(_settings.Seed * 1_000_003 + iteration * 4099 + i),
                EosTokenId = _settings.EosTokenId,
                UseCache = true,
            };
            prompts.Add(prompt);
            responses.Add(TextGenerator.Generate(_policy, prompt, options));
        }
        return Rollout.Build(prompts, responses, _settings.PadId);
    }

    private (PpoIterationReport Report, double Norm) Optimize(Rollout rollout, MasterWeightAdamW optimizer, long iteration, string? lastCheckpoint)
    {
        using var scope = NewDisposeScope();
        var ppo = _settings.Ppo;
        var (ids, mask, response) = rollout.ToTensors(_device);
        Tensor oldLogProbs, oldValues, referenceLogProbs, scores;
        using (no_grad())
        {
            var hidden = _policy.ForwardHidden(ids, mask);
            oldLogProbs = TokenLogProbs.Next(_policy.Logits(hidden), ids, ppo.Temperature);
            oldValues = ValueHead.forward(hidden.narrow(1, 0, hidden.shape[1] - 1));
            referenceLogProbs = TokenLogProbs.Next(_reference.Logits(ids, mask), ids, ppo.Temperature);
            scores = _reward.Score(ids, mask).to(ScalarType.Float32);
        }
        var kl = (oldLogProbs - referenceLogProbs) * response;
        var rewards = kl * -ppo.KlCoef + LastResponseToken(rollout) * scores.unsqueeze(1);
        var (advantages, returns) = Gae.Compute(rewards, oldValues, response, ppo.Gamma, ppo.Lambda);
        if (_settings.WhitenAdvantages) advantages = Whiten(advantages, response);

        double policyLoss = 0, valueLoss = 0, clipFraction = 0, norm = 0;
        for (var epoch = 0; epoch < ppo.PpoEpochs; epoch++)
        {
            using var step = NewDisposeScope();
            optimizer.ZeroGradients();
            var hidden = _policy.ForwardHidden(ids, mask);
            var logProbs = TokenLogProbs.Next(_policy.Logits(hidden), ids, ppo.Temperature);
            var values = ValueHead.forward(hidden.narrow(1, 0, hidden.shape[1] - 1));
            var (policy, clipped) = PpoLoss.Policy(logProbs, oldLogProbs, advantages, response, ppo.ClipRange);
            var value = PpoLoss.Value(values, oldValues, returns, response, ppo.ClipRange);
            var loss = policy + value * ppo.ValueCoef;
            loss.backward();
            var lossValue = loss.item<float>();
            if (!double.IsFinite(lossValue)) throw new TrainingDivergedException(iteration, "ppo loss", lossValue, lastCheckpoint);
            norm = optimizer.Step(_settings.LearningRate, _settings.MaxGradNorm);
            if (!double.IsFinite(norm)) throw new TrainingDivergedException(iteration, "gradient norm", norm, lastCheckpoint);
            policyLoss += policy.item<float>() / ppo.PpoEpochs;
            valueLoss += value.item<float>() / ppo.PpoEpochs;
            clipFraction += clipped / ppo.PpoEpochs;
        }
        var report = new PpoIterationReport(iteration, scores.mean().item<float>(), kl.sum(1).mean().item<float>(), clipFraction,
            valueLoss, policyLoss, rollout.Responses.Average(r => r.Count));
        return (report, norm);
    }

    // 1 at the position that predicted each row's last response token: where the sequence-level score is paid.
    private Tensor LastResponseToken(Rollout rollout)
    {
        var marks = new float[rollout.Size * (rollout.Length - 1)];
        for (var row = 0; row < rollout.Size; row++)
        {
            var end = -1;
            for (var t = 0; t < rollout.Length - 1; t++)
                if (rollout.ResponseMask[row * (rollout.Length - 1) + t] > 0) end = t;
            if (end >= 0) marks[row * (rollout.Length - 1) + end] = 1;
        }
        return tensor(marks, [rollout.Size, rollout.Length - 1], ScalarType.Float32, _device);
    }

    private static Tensor Whiten(Tensor values, Tensor mask)
    {
        var mean = PpoLoss.MaskedMean(values, mask);
        var variance = PpoLoss.MaskedMean((values - mean).pow(2), mask);
        return (values - mean) * (variance + 1e-8).rsqrt() * mask;
    }
}
