using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Batching;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Methods.Upft;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Upft;

public sealed class UpftLearningTests
{
    [Fact]
    public void Training_raises_the_likelihood_of_the_model_own_sampled_prefixes()
    {
        var settings = UpftTestData.Settings(prefixTokens: 4, structureRatio: 0, samplesPerPrompt: 2);
        var model = UpftTestData.Model();
        var set = UpftTestData.Sample(model, UpftTestData.Prompts(8, settings), settings);
        var examples = set.ToExamples();
        var before = Evaluator.Evaluate(model, examples, 8, TrainingSetup.PadId, CPU).Loss;
        using var dir = new TempDirectory();

        new TrainingLoop(model, new UpftMethod(new FullMethod()), examples, [], TrainingSetup.Options(12, learningRate: 1e-2),
            TrainingSetup.PadId, CPU, new LocalCheckpointStore(dir.Path)).Run();

        // The loss over exactly the trained prefix tokens (the evaluator counts targets only) is their negative log-likelihood.
        var after = Evaluator.Evaluate(model, examples, 8, TrainingSetup.PadId, CPU).Loss;
        Assert.True(after < 0.8 * before, $"prefix NLL went from {before:F4} to {after:F4}");
    }

    [Fact]
    public void Tokens_after_the_prefix_do_not_reach_the_loss_or_its_gradients()
    {
        var settings = UpftTestData.Settings(prefixTokens: 3, structureRatio: 0, samplesPerPrompt: 1, maxNewTokens: 12);
        var model = UpftTestData.Model();
        var prompts = UpftTestData.Prompts(4, settings);
        var prefixes = UpftSampler.Sample(model, prompts, settings, stopTokenId: null, "test").ToExamples();
        // The same samples run on to 12 tokens (same seeds); their tokens after the first 3 are context, not targets.
        var whole = UpftSampler.Sample(model, prompts, settings with { StructureRatio = 1 }, stopTokenId: null, "test");
        var extended = whole.Samples.Select(s =>
        {
            var example = s.ToExample();
            var labels = example.Sequence.Labels.ToArray();
            Array.Fill(labels, TokenSequence.IgnoreIndex, s.Prompt.Length + 3, s.Answer.Length - 3);
            return example with { Sequence = example.Sequence with { Labels = labels } };
        }).ToList();
        Assert.All(prefixes.Zip(extended), pair => Assert.Equal(pair.First.Sequence.InputIds, pair.Second.Sequence.InputIds[..pair.First.Sequence.Length]));

        var (lossPrefix, gradPrefix) = LossAndGradients(model, prefixes);
        var (lossExtended, gradExtended) = LossAndGradients(model, extended);

        Assert.Equal(lossPrefix, lossExtended, 5);
        foreach (var (name, gradient) in gradPrefix)
            Assert.True(gradient.allclose(gradExtended[name], rtol: 1e-4, atol: 1e-6), $"gradient of {name} depends on tokens after the prefix");
        Assert.Equal(4 * 3, prefixes.Sum(e => e.Sequence.TargetCount));
    }

    // The loop's own loss (sum over targets / target count) on one batch of all examples, and every parameter's gradient.
    private static (double Loss, Dictionary<string, Tensor> Gradients) LossAndGradients(FineTune.Trainer.Models.ILanguageModel model, IReadOnlyList<Example> examples)
    {
        model.Module.eval();
        model.Module.zero_grad();
        var batch = TrainingBatch.From(BatchCollator.Collate(examples, TrainingSetup.PadId), CPU);
        var (sum, _) = LossFunctions.Sum(model, batch);
        using var loss = sum.div(batch.TargetCount(classification: false));
        loss.backward();
        var gradients = model.Module.named_parameters().ToDictionary(p => p.name, p =>
        {
            var copy = p.parameter.grad!.clone();
            copy.DetachFromDisposeScope();
            return copy;
        });
        return (loss.item<float>(), gradients);
    }
}
