using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>Rejects position ids beyond the model's learned/declared positions with a clear message.</summary>
internal static class PositionLimit
{
    public static void Check(Tensor positionIds, int maxPositions)
    {
        long highest = positionIds.max().item<long>();
        if (highest >= maxPositions)
            throw new ArgumentException(
                $"sequence position {highest} is beyond the model's {maxPositions} positions (max_position_embeddings); " +
                "truncate the input or use a shorter max sequence length.");
    }
}
