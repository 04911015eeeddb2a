using FineTune.Trainer.Models.Generation;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Models.Generation;

public sealed class TextGeneratorTests
{
    private static readonly long[] Prompt = { 3, 14, 15, 9, 26 };

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("mistral")]
    public void Greedy_generation_with_the_cache_equals_full_recompute(string architecture)
    {
        var model = Tests.Models.TinyModels.Causal(architecture);
        var cached = TextGenerator.Generate(model, Prompt, new GenerationOptions { MaxNewTokens = 12 });
        var recomputed = TextGenerator.Generate(model, Prompt, new GenerationOptions { MaxNewTokens = 12, UseCache = false });
        Assert.Equal(12, cached.Count);
        Assert.Equal(recomputed, cached);
    }

    [Fact]
    public void Greedy_generation_picks_the_argmax_of_the_full_forward()
    {
        var model = Tests.Models.TinyModels.Causal("gpt2");
        var generated = TextGenerator.Generate(model, Prompt, new GenerationOptions { MaxNewTokens = 1 });
        using var noGrad = no_grad();
        var logits = model.Forward(tensor(Prompt).unsqueeze(0));
        Assert.Equal(logits[0, -1].argmax().item<long>(), generated[0]);
    }

    [Fact]
    public void Sampling_is_reproducible_with_a_seed_and_varies_across_seeds()
    {
        var model = Tests.Models.TinyModels.Causal("llama");
        var options = new GenerationOptions { MaxNewTokens = 16, Temperature = 1.5, TopP = 0.95, Seed = 11 };
        var a = TextGenerator.Generate(model, Prompt, options);
        var b = TextGenerator.Generate(model, Prompt, options);
        var c = TextGenerator.Generate(model, Prompt, options with { Seed = 12 });
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Top_p_keeps_only_the_smallest_set_reaching_the_mass()
    {
        // Probabilities 0.5, 0.3, 0.15, 0.05: with top_p 0.7 only the first two may ever be drawn.
        var logits = tensor(new[] { 0.5f, 0.3f, 0.15f, 0.05f }).log();
        var sampler = new TokenSampler(new GenerationOptions { Temperature = 1.0, TopP = 0.7, Seed = 5 });
        var drawn = Enumerable.Range(0, 400).Select(_ => sampler.Next(logits)).ToHashSet();
        Assert.Equal(new HashSet<long> { 0, 1 }, drawn);
    }

    [Fact]
    public void Generation_stops_at_the_end_token()
    {
        var model = Tests.Models.TinyModels.Causal("gpt2");
        var free = TextGenerator.Generate(model, Prompt, new GenerationOptions { MaxNewTokens = 6 });
        var stopped = TextGenerator.Generate(model, Prompt, new GenerationOptions { MaxNewTokens = 6, EosTokenId = free[2] });
        Assert.Equal(free.Take(free.ToList().IndexOf(free[2]) + 1), stopped);
    }

    [Theory]
    [InlineData(-1.0, 1.0, "temperature")]
    [InlineData(1.0, 0.0, "top_p")]
    [InlineData(1.0, 1.5, "top_p")]
    public void Out_of_range_options_are_rejected_by_name(double temperature, double topP, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => new TokenSampler(new GenerationOptions { Temperature = temperature, TopP = topP }));
        Assert.StartsWith(field, error.Message);
    }
}
