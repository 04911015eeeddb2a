using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>
/// Fresh weights as Hugging Face's _init_weights draws them: N(0, initializer_range) for projection and embedding
/// weights, zero biases, norms at weight 1 / bias 0; GPT-2 additionally scales c_proj weights by 1/√(2·n_layer)
/// (GPT-2 paper §2.3). Constructors draw from the global generator; <see cref="Redraw"/> uses a private one so a
/// seeded draw does not depend on what other threads do with the global random state.
/// </summary>
internal static class Initialization
{
    public static void Gpt2(nn.Module model, ModelConfig config, Generator? generator = null) =>
        Apply(model, generator, name => name.EndsWith(".c_proj.weight", StringComparison.Ordinal)
            ? config.InitializerRange / Math.Sqrt(2.0 * config.NumLayers)
            : config.InitializerRange);

    public static void Standard(nn.Module model, ModelConfig config, Generator? generator = null) =>
        Apply(model, generator, _ => config.InitializerRange);

    /// <summary>BERT's word embedding keeps a zero row for the padding token (HF: nn.Embedding padding_idx).</summary>
    public static void Bert(nn.Module model, ModelConfig config, Generator? generator = null)
    {
        Standard(model, config, generator);
        if (config.PadTokenId is not { } pad || pad < 0 || pad >= config.VocabSize) return;
        using var noGrad = no_grad();
        var embedding = model.named_parameters().First(p => p.name == "bert.embeddings.word_embeddings.weight").parameter;
        embedding[pad].zero_();
    }

    /// <summary>Redraws every weight of <paramref name="model"/> from <paramref name="generator"/> with its scheme.</summary>
    public static void Redraw(ILanguageModel model, Generator generator)
    {
        switch (model.Config.ModelType)
        {
            case "gpt2": Gpt2(model.Module, model.Config, generator); break;
            case "bert": Bert(model.Module, model.Config, generator); break;
            default: Standard(model.Module, model.Config, generator); break;
        }
    }

    private static void Apply(nn.Module model, Generator? generator, Func<string, double> stdFor)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else if (IsNorm(name)) parameter.fill_(1.0);
            else parameter.normal_(0.0, stdFor(name), generator);
        }
    }

    private static bool IsNorm(string name) =>
        name.Contains("ln_", StringComparison.Ordinal) || name.Contains("LayerNorm", StringComparison.Ordinal) ||
        name.Contains("layernorm", StringComparison.Ordinal) || name.EndsWith("norm.weight", StringComparison.Ordinal);
}
