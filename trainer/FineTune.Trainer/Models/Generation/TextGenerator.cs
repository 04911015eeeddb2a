using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Generation;

/// <summary>
/// Autoregressive generation for one prompt. With the cache each step feeds only the newest token and attends over
/// the cached keys/values of all earlier ones; without it the whole sequence is recomputed (same result, slower).
/// </summary>
public static class TextGenerator
{
    /// <summary>Returns the generated tokens (prompt excluded) for <paramref name="prompt"/>.</summary>
    public static IReadOnlyList<long> Generate(ICausalLanguageModel model, IReadOnlyList<long> prompt, GenerationOptions options)
    {
        if (prompt.Count == 0) throw new ArgumentException("prompt: empty; expected at least one token.");
        var sampler = new TokenSampler(options);
        var device = model.Module.parameters().First().device;
        bool wasTraining = model.Module.training;
        model.Module.eval();
        using var noGrad = no_grad();
        using var cache = options.UseCache ? new KeyValueCache(model.Config.NumLayers) : null;
        var sequence = new List<long>(prompt);
        var generated = new List<long>();
        try
        {
            var step = prompt.ToArray();
            for (int i = 0; i < options.MaxNewTokens; i++)
            {
                using var scope = NewDisposeScope();
                var input = tensor(options.UseCache ? step : sequence.ToArray(), ScalarType.Int64, device).unsqueeze(0);
                var logits = model.Forward(input, cache: cache);
                long next = sampler.Next(logits[0, -1]);
                generated.Add(next);
                sequence.Add(next);
                step = new[] { next };
                if (next == options.EosTokenId) break;
            }
        }
        finally
        {
            if (wasTraining) model.Module.train();
        }
        return generated;
    }
}
