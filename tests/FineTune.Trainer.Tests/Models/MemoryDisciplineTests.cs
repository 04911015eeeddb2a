using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Models;

public sealed class MemoryDisciplineTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void Live_tensor_count_stays_flat_over_50_training_steps(string architecture)
    {
        var model = TinyModels.Causal(architecture);
        model.Module.train();
        var optimizer = optim.AdamW(model.Module.parameters(), lr: 1e-3);
        var ids = TinyModels.Tokens(9, 4, 16);
        var liveAfterStep = new List<long>();
        for (int step = 0; step < 50; step++)
        {
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                var logits = model.Forward(ids[.., ..^1]);
                var loss = nn.functional.cross_entropy(logits.reshape(-1, 61), ids[.., 1..].reshape(-1));
                loss.backward();
                nn.utils.clip_grad_norm_(model.Module.parameters(), 1.0);
                optimizer.step();
            }
            liveAfterStep.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        // After warm-up (optimizer state is created on the first step) the count must not move at all.
        Assert.All(liveAfterStep.Skip(2), live => Assert.Equal(liveAfterStep[1], live));
    }
}
