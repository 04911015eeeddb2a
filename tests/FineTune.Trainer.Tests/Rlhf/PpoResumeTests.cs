using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Methods.Lora;
using FineTune.Trainer.Models;
using FineTune.Trainer.Rlhf;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Rlhf;

public sealed class PpoResumeTests
{
    private const long N = 2;
    private const long PolicySeed = 21;

    // 6 prompts in rollouts of 4: the prompt order reshuffles inside the second iteration and again in the third.
    private static readonly IReadOnlyList<Example> Prompts = RlhfFixtures.Prompts.Train.Take(6).ToList();

    private static PpoSettings Settings(long? checkpointEvery = null) => new()
    {
        Ppo = new PpoOptions { KlCoef = 0.05, RolloutBatchSize = 4, MaxNewTokens = 4, PpoEpochs = 2, Temperature = 1.0 },
        Iterations = 2 * N,
        LearningRate = 1e-2,
        Seed = 3,
        PadId = TrainingSetup.PadId,
        CheckpointEverySteps = checkpointEvery ?? long.MaxValue,
    };

    public static TheoryData<string> PolicyMethods => ["lora", "full"];

    private static IFineTuneMethod Method(string name) => name == "lora"
        ? new LoraMethod(new LoraOptions { Rank = 4, Alpha = 8, Dropout = 0, TargetModules = ["c_attn", "c_fc"] })
        : new FullMethod();

    private static ICausalLanguageModel Policy(long seed) => (ICausalLanguageModel)TrainingSetup.Model("gpt2", seed);

    /// <summary>One process's worth of PPO: policy, reference (adapter off, or a frozen copy of the start) and trainer.</summary>
    private sealed class Run : IDisposable
    {
        private readonly ReferencePolicy _reference;

        public Run(string method, long policySeed, RewardModel reward, ICheckpointStore store, InterruptingObserver observer, long? checkpointEvery = null)
        {
            Policy = PpoResumeTests.Policy(policySeed);
            var fineTuning = Method(method);
            fineTuning.Apply(Policy);
            // The reference is the stage's starting policy in every process: the seed-21 weights, never the checkpoint.
            _reference = ReferencePolicy.For(Policy, fineTuning, () => PpoResumeTests.Policy(PolicySeed));
            Trainer = new PpoTrainer(Policy, fineTuning, _reference, reward, Prompts, Settings(checkpointEvery), CPU, store, observer);
        }

        public ICausalLanguageModel Policy { get; }

        public PpoTrainer Trainer { get; }

        public Dictionary<string, Tensor> Weights() =>
            Policy.Module.named_parameters().Concat(Trainer.ValueHead.named_parameters().Select(p => ("v_head." + p.name, p.parameter)))
                .ToDictionary(p => p.Item1, p => (Tensor)p.Item2);

        public void Dispose()
        {
            _reference.Dispose();
            Trainer.ValueHead.Dispose();
            Policy.Module.Dispose();
        }
    }

    private static RewardModel Reward()
    {
        var reward = RewardModel.Create((ICausalLanguageModel)TrainingSetup.Model("gpt2", seed: 7));
        reward.Decoder.Module.eval();
        foreach (var parameter in reward.Parameters()) parameter.requires_grad = false;
        return reward;
    }

    [Theory]
    [MemberData(nameof(PolicyMethods))]
    public void Two_N_iterations_straight_equal_N_iterations_interrupt_resume_and_N_iterations_bit_for_bit(string method)
    {
        using var reward = Reward();

        using var straightDir = new TempDirectory();
        using var straightObserver = new InterruptingObserver();
        using var straight = new Run(method, PolicySeed, reward, new LocalCheckpointStore(straightDir.Path, keepLast: 1), straightObserver, checkpointEvery: 1);
        var straightResult = straight.Trainer.Run();
        Assert.Equal(2 * N, straightResult.Iterations);
        Assert.Equal(["step-4"], Directory.GetDirectories(Path.Combine(straightDir.Path, "checkpoints")).Select(Path.GetFileName));

        using var resumedDir = new TempDirectory();
        var store = new LocalCheckpointStore(resumedDir.Path);
        using var firstObserver = new InterruptingObserver(interruptAtStep: N);
        PpoTrainingResult firstHalf;
        using (var first = new Run(method, PolicySeed, reward, store, firstObserver))
            firstHalf = first.Trainer.Run(firstObserver.Token);
        Assert.True(firstHalf.Interrupted);
        Assert.Equal(N, firstHalf.Iterations);
        var report = Assert.Single(firstObserver.Recorded.CheckpointReports);
        Assert.Equal(N, report.Step);
        Assert.True(report.Bytes > 0);

        // A new process: the policy drawn with another seed and the value head moved off its zero start, so every
        // trained tensor (and for lora the frozen base the reference reads) must come from the checkpoint.
        using var secondObserver = new InterruptingObserver();
        using var second = new Run(method, policySeed: 999, reward, store, secondObserver);
        using (no_grad())
            foreach (var parameter in second.Trainer.ValueHead.parameters()) parameter.fill_(0.5);
        var secondHalf = second.Trainer.Run();
        Assert.False(secondHalf.Interrupted);
        Assert.Equal(N, secondHalf.ResumedFromIteration);
        Assert.Equal(2 * N, secondHalf.Iterations);
        Assert.Equal([N + 1, 2 * N], secondHalf.Reports.Select(r => r.Iteration));

        Assert.Equal(straightResult.Reports, firstHalf.Reports.Concat(secondHalf.Reports));
        var expected = straight.Weights();
        var actual = second.Weights();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, value) in expected)
            Assert.True(TrainingSetup.Same(value, actual[name]), $"{method}: parameter {name} differs between the straight and the resumed run");
    }

    [Fact]
    public void A_checkpoint_of_another_policy_method_is_refused_with_a_message_naming_both()
    {
        using var reward = Reward();
        using var dir = new TempDirectory();
        var store = new LocalCheckpointStore(dir.Path);
        using var loraObserver = new InterruptingObserver(interruptAtStep: 1);
        using (var lora = new Run("lora", PolicySeed, reward, store, loraObserver))
            Assert.True(lora.Trainer.Run(loraObserver.Token).Interrupted);

        using var fullObserver = new InterruptingObserver();
        using var full = new Run("full", PolicySeed, reward, store, fullObserver);
        var error = Assert.Throws<InvalidOperationException>(() => full.Trainer.Run());

        Assert.Contains("written by method ppo-lora, this run uses ppo-full", error.Message);
    }
}
