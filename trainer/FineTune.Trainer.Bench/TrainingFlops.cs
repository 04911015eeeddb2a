namespace FineTune.Trainer.Bench;

/// <summary>
/// Training FLOPs per token that a method really performs on the reference model (2 FLOPs per multiply-add).
/// Forward: 2·(N + Na) + 4·L·K·d; input gradients: 2·(N + Na) + 8·L·K·d; weight gradients: 2·Nw. N = 12·L·d² + V·d
/// (blocks and the tied output head, a real V×d product), Na = the matmul weights a method adds on every token
/// (LoRA A and B, adapter projections), K = keys each query attends to (the sequence plus virtual tokens),
/// Nw = matmul weights that train (N for full fine-tuning, Na for LoRA and adapters, 0 for prefix methods). For full
/// fine-tuning this is the usual 6·N + 12·L·K·d (Kaplan et al. 2020, PaLM appendix B). For a frozen base it counts
/// every input gradient, though autograd skips the first projection's (3·d² of N, under 2%), so it errs high.
/// </summary>
internal static class TrainingFlops
{
    /// <summary>N: the matmul weights of the blocks and the tied head.</summary>
    public static long BaseMatmulWeights(int layers, int hidden, int vocab) => 12L * layers * hidden * hidden + (long)vocab * hidden;

    /// <summary>FLOPs per trained token.</summary>
    public static double PerToken(int layers, int hidden, int vocab, int keys, long addedMatmulWeights, long trainedMatmulWeights)
    {
        double baseWeights = BaseMatmulWeights(layers, hidden, vocab);
        double forward = 2.0 * (baseWeights + addedMatmulWeights) + 4.0 * layers * keys * hidden;
        double inputGradients = 2.0 * (baseWeights + addedMatmulWeights) + 8.0 * layers * keys * hidden;
        double weightGradients = 2.0 * trainedMatmulWeights;
        return forward + inputGradients + weightGradients;
    }
}
