using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>Log-probabilities a causal model gives to the tokens that actually follow, per position and per sequence.</summary>
public static class TokenLogProbs
{
    /// <summary>
    /// log p(ids[:, t+1] | ids[:, ..t]) from <paramref name="logits"/> [batch, seq, vocab] and <paramref name="ids"/>
    /// [batch, seq]: [batch, seq - 1], float32, divided by <paramref name="temperature"/> first (as the sampler did).
    /// </summary>
    public static Tensor Next(Tensor logits, Tensor ids, double temperature = 1.0)
    {
        var steps = logits.shape[1] - 1;
        var shifted = logits.narrow(1, 0, steps).to(ScalarType.Float32);
        if (temperature != 1.0) shifted = shifted / temperature;
        var logProbs = shifted.log_softmax(-1);
        return logProbs.gather(-1, ids.narrow(1, 1, steps).unsqueeze(-1)).squeeze(-1);
    }

    /// <summary>
    /// Sum of the next-token log-probabilities over the positions whose label is a target (labels [batch, seq], -100
    /// elsewhere, as the data layer builds them): one log-probability per sequence, [batch].
    /// </summary>
    public static Tensor SequenceSum(Tensor logits, Tensor ids, Tensor labels)
    {
        var perToken = Next(logits, ids);
        var targets = labels.narrow(1, 1, labels.shape[1] - 1).ne(Data.TokenSequence.IgnoreIndex).to(ScalarType.Float32);
        return (perToken * targets).sum(1);
    }
}
