using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Prefix;

/// <summary>
/// The prefix-tuning family: variant prefix (per-layer key/value prefixes through the reparameterisation MLP) and
/// ptuning-v2 (the same prefixes learned directly). A <see cref="PrefixEncoder"/> is added to the model as
/// prefix_encoder and handed to every attention layer as its key/value prefix; attention masks count the virtual keys
/// as real, the real tokens' positions start after them (as in PEFT, where they are the past key/values) and the KV
/// cache keeps only real tokens, so padding and generation work unchanged. The export is PEFT's prefix-tuning layout:
/// adapter_config.json (peft_type PREFIX_TUNING) and prompt_embeddings [P, W], the MLP already applied. Variant
/// prompt is <see cref="Prompt.PromptMethod"/>.
/// </summary>
public sealed class PrefixMethod(PrefixOptions options) : IPeftMethod
{
    /// <summary>Name of the encoder module under the model's root.</summary>
    public const string EncoderName = "prefix_encoder";

    /// <summary>Default width of the reparameterisation MLP.</summary>
    public const int DefaultProjectionHiddenSize = 512;

    /// <summary>The options this instance applies.</summary>
    public PrefixOptions Options { get; } = options;

    /// <inheritdoc />
    public string Name => "prefix";

    /// <inheritdoc />
    public string PeftType => "PREFIX_TUNING";

    /// <inheritdoc />
    public bool CanMerge => false;

    /// <inheritdoc />
    public int VirtualTokens => Options.VirtualTokens;

    /// <inheritdoc />
    public void Apply(ILanguageModel model)
    {
        if (Options.Variant == PrefixVariant.Prompt)
            throw new ArgumentException("prefix.variant: 'prompt' is the prompt-tuning method; create it through MethodRegistry.");
        if (Options.VirtualTokens < 1)
            throw new PeftException($"prefix.virtualTokens: {Options.VirtualTokens}; expected an integer from 1 to 512.");
        if (model.Attentions.Count == 0)
            throw new PeftException($"prefix: the {model.Config.ModelType} model exposes no attention layers to prefix.");
        var encoder = Encoder(model);
        if (encoder is null)
        {
            var first = model.Attentions[0];
            encoder = new PrefixEncoder(Options.VirtualTokens, model.Attentions.Count, first.NumKeyValueHeads, first.HeadDim,
                model.Config.HiddenSize,
                Options.Variant == PrefixVariant.Prefix ? Options.ProjectionHiddenSize ?? DefaultProjectionHiddenSize : null);
            ModuleSurgery.AddToRoot(model, EncoderName, encoder);
        }
        foreach (var attention in model.Attentions) attention.Prefix = encoder;
        ParameterSelection.RequireGradientsOnly(model, TrainableParameterNames(model).ToHashSet(StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model) =>
        model.Module.named_parameters().Select(p => p.name).Where(IsAdapterParameter).ToArray();

    /// <inheritdoc />
    public SaveMode ResolveSave(SaveMode? requested) => AdapterOnly.ResolveSave(this, requested, WhyNot);

    /// <inheritdoc />
    public void Export(ILanguageModel model, string directory, SaveMode kind) => AdapterOnly.Export(this, model, directory, kind, WhyNot);

    /// <inheritdoc />
    public PeftConfig ToConfig(ILanguageModel model)
    {
        var first = model.Attentions[0];
        return PeftConfig.For(this, model, new JsonObject
        {
            ["num_virtual_tokens"] = Options.VirtualTokens,
            ["num_layers"] = model.Attentions.Count,
            ["token_dim"] = model.Config.HiddenSize,
            ["num_attention_heads"] = model.Config.NumHeads,
            ["num_key_value_heads"] = first.NumKeyValueHeads,
            ["head_dim"] = first.HeadDim,
            ["prefix_projection"] = Options.Variant == PrefixVariant.Prefix,
            ["encoder_hidden_size"] = Options.ProjectionHiddenSize ?? DefaultProjectionHiddenSize,
        });
    }

    /// <summary>
    /// The method adapter_config.json of a prefix adapter describes. As in PEFT's inference mode, a loaded adapter
    /// uses the saved rows directly, so it is a ptuning-v2 encoder whatever variant trained it.
    /// </summary>
    public static PrefixMethod FromConfig(PeftConfig config) => new(new PrefixOptions
    {
        Variant = PrefixVariant.PtuningV2,
        VirtualTokens = config.Int("num_virtual_tokens"),
    });

    /// <inheritdoc />
    public void Merge(ILanguageModel model) => throw AdapterOnly.CannotMerge(this, WhyNot);

    /// <inheritdoc />
    public void Unmerge(ILanguageModel model) { }

    /// <inheritdoc />
    public void SetAdapterEnabled(ILanguageModel model, bool enabled)
    {
        var encoder = Encoder(model);
        foreach (var attention in model.Attentions) attention.Prefix = enabled ? encoder : null;
    }

    /// <inheritdoc />
    public void SaveAdapter(ILanguageModel model, string directory)
    {
        ToConfig(model).Write(directory);
        var encoder = Encoder(model) ?? throw new InvalidOperationException("the prefix method has not been applied to this model.");
        using var noGrad = no_grad();
        using var rows = encoder.Rows();
        AdapterWeights.Save(directory, new Dictionary<string, Tensor> { [PromptEmbeddings] = rows });
    }

    /// <inheritdoc />
    public void LoadAdapter(ILanguageModel model, string directory)
    {
        Apply(model);
        var encoder = Encoder(model)!;
        if (encoder.transform is not null)
            throw new PeftException(
                $"{directory}: a saved prefix adapter holds the final rows; load it with PeftRegistry.LoadAdapter (variant ptuning-v2), not onto a prefix-variant method.");
        AdapterWeights.Load(directory, new Dictionary<string, TorchSharp.Modules.Parameter> { [PromptEmbeddings] = encoder.embedding.weight! },
            model.Config.ModelType);
    }

    /// <summary>True for a parameter of the prefix encoder.</summary>
    public static bool IsAdapterParameter(string name) => name.StartsWith(EncoderName + ".", StringComparison.Ordinal);

    /// <summary>The encoder added to <paramref name="model"/>, or null before <see cref="Apply"/>.</summary>
    public static PrefixEncoder? Encoder(ILanguageModel model) => ModuleSurgery.RootChild<PrefixEncoder>(model, EncoderName);

    // PEFT's key for the virtual tokens' rows.
    private const string PromptEmbeddings = "prompt_embeddings";

    private const string WhyNot = "its virtual keys and values are extra inputs to attention";
}
