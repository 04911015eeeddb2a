using FineTune.Trainer.Data.Batching;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

public sealed class LossFunctionsTests
{
    /// <summary>
    /// The next-token loss runs the head only on positions that have a target; it must equal cross-entropy over every
    /// position's logits with the ignored ones masked, and so must the gradients it gives every parameter.
    /// </summary>
    [Fact]
    public void Next_token_loss_on_scored_positions_equals_the_loss_over_all_logits_with_the_same_gradients()
    {
        var model = (ICausalLanguageModel)TrainingSetup.Model();
        model.Module.eval(); // no dropout: both forward passes must see the same network
        var batch = TrainingBatch.From(BatchCollator.Collate(TrainingSetup.Data.Train.Take(4).ToList(), TrainingSetup.PadId), CPU);
        var ignoredPrompt = batch.Labels[.., 1..].eq(FineTune.Trainer.Data.TokenSequence.IgnoreIndex).sum().item<long>();
        Assert.True(ignoredPrompt > 0, "the batch should mask prompt tokens from the loss");

        var (loss, logits) = LossFunctions.NextToken(model, batch);
        loss.backward();
        var gradients = model.Module.parameters().Select(p => p.grad!.clone()).ToList();
        model.Module.zero_grad();

        var all = model.Forward(batch.InputIds, batch.AttentionMask);
        var vocab = all.shape[^1];
        var reference = nn.functional.cross_entropy(all[.., ..^1, ..].reshape(-1, vocab), batch.Labels[.., 1..].reshape(-1),
            ignore_index: FineTune.Trainer.Data.TokenSequence.IgnoreIndex, reduction: nn.Reduction.Sum);
        reference.backward();

        Assert.Equal(batch.ShiftedTargetCount, logits.shape[0]); // the head ran on the scored positions only
        Assert.Equal(reference.item<float>(), loss.item<float>(), 1e-4 * reference.item<float>());
        foreach (var (expected, actual) in model.Module.parameters().Select(p => p.grad!).Zip(gradients))
            Assert.True(expected.allclose(actual, rtol: 1e-4, atol: 1e-6), "a parameter's gradient differs");
    }
}
