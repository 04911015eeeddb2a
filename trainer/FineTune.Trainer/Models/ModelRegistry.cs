using System.Text.Json.Nodes;
using FineTune.Trainer.Models.Bert;
using FineTune.Trainer.Models.Gpt2;
using FineTune.Trainer.Models.Llama;

namespace FineTune.Trainer.Models;

/// <summary>
/// Maps Hugging Face model_type values to their config reader and model class. Adding an architecture is one entry.
/// </summary>
public static class ModelRegistry
{
    private sealed record Entry(Func<JsonObject, string, ModelConfig> Read, Func<ModelConfig, ILanguageModel> Create);

    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal)
    {
        ["gpt2"] = new((json, source) => Gpt2Config.FromJson(json, source), c => new Gpt2LMHeadModel((Gpt2Config)c)),
        ["llama"] = Llama("llama"),
        ["mistral"] = Llama("mistral"),
        ["qwen2"] = Llama("qwen2"),
        ["bert"] = new((json, source) => BertConfig.FromJson(json, source), c => new BertForSequenceClassification((BertConfig)c)),
    };

    /// <summary>The model_type values that can be loaded, in a stable order.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = Entries.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>Reads a config.json object; <paramref name="source"/> names the file in errors.</summary>
    public static ModelConfig ReadConfig(JsonObject json, string source)
    {
        var typeNode = json["model_type"];
        string? modelType = typeNode is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (modelType is null)
            throw new ModelFormatException(
                $"{source}: field 'model_type' is missing; expected one of: {string.Join(", ", SupportedModelTypes)}.");
        if (!Entries.TryGetValue(modelType, out var entry))
            throw new ModelFormatException(
                $"{source}: model_type '{modelType}' is not supported; supported model types: {string.Join(", ", SupportedModelTypes)}.");
        return entry.Read(json, source);
    }

    /// <summary>Builds a model with fresh weights for <paramref name="config"/> (seed with torch.manual_seed first).</summary>
    public static ILanguageModel Create(ModelConfig config)
    {
        if (!Entries.TryGetValue(config.ModelType, out var entry))
            throw new ModelFormatException(
                $"model_type '{config.ModelType}' is not supported; supported model types: {string.Join(", ", SupportedModelTypes)}.");
        return entry.Create(config);
    }

    private static Entry Llama(string variant) =>
        new((json, source) => LlamaConfig.FromJson(json, variant, source), c => new LlamaForCausalLM((LlamaConfig)c));
}
