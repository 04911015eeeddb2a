using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>Scores whole prompt + response sequences for PPO: a trained <see cref="RewardModel"/>, or any fixed rule.</summary>
public interface IRewardScorer
{
    /// <summary>One reward per row [batch] for right-padded <paramref name="inputIds"/> and <paramref name="attentionMask"/> [batch, seq].</summary>
    Tensor Score(Tensor inputIds, Tensor attentionMask);
}
