using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Generation;

/// <summary>Picks the next token from one position's logits: greedy, temperature, and top-p (Holtzman et al. 2019).</summary>
public sealed class TokenSampler
{
    private readonly GenerationOptions _options;
    private readonly Generator _generator;

    /// <summary>Creates a sampler; its random stream starts from <see cref="GenerationOptions.Seed"/>.</summary>
    public TokenSampler(GenerationOptions options)
    {
        options.Validate();
        _options = options;
        _generator = new Generator((ulong)options.Seed);
    }

    /// <summary>The next token for <paramref name="logits"/> [vocab].</summary>
    public long Next(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var scores = logits.to(ScalarType.Float32, CPU);
        if (_options.Temperature == 0) return scores.argmax().item<long>();
        var probs = scores.div(_options.Temperature).softmax(-1);
        if (_options.TopP < 1.0)
        {
            var (sorted, order) = probs.sort(descending: true);
            var before = sorted.cumsum(0).sub(sorted); // mass of strictly more likely tokens
            var keep = before.lt(_options.TopP);       // the top token always has 0 before it
            var filtered = sorted.mul(keep.to(ScalarType.Float32));
            probs = zeros_like(probs).scatter(0, order, filtered);
        }
        return probs.multinomial(1, generator: _generator).item<long>();
    }
}
