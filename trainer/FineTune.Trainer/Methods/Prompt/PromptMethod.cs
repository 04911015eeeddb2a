using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Prompt;

/// <summary>
/// Prompt tuning, spec.method prefix with prefix.variant prompt: a <see cref="PromptEncoder"/> of virtualTokens
/// vectors is added to the model as prompt_encoder and set as its <see cref="ILanguageModel.SoftPrompt"/>, so the
/// model prepends it to every sequence's input embeddings; only it trains. prefix.initText starts it from the
/// embeddings of that text's tokens, repeated or cut to length (PEFT's TEXT init; the tokenizer adds its usual
/// special tokens, as PEFT calls it); otherwise N(0, 1) (PEFT's RANDOM). The export is PEFT's prompt-tuning layout:
/// adapter_config.json (peft_type PROMPT_TUNING) and prompt_embeddings [P, d].
/// </summary>
public sealed class PromptMethod(PrefixOptions options, ITextTokenizer? tokenizer = null) : IPeftMethod
{
    /// <summary>Name of the encoder module under the model's root.</summary>
    public const string EncoderName = "prompt_encoder";

    // PEFT's key for the soft prompt.
    private const string PromptEmbeddings = "prompt_embeddings";

    private const string WhyNot = "its virtual tokens are extra inputs, not a change of weights";

    /// <summary>The options this instance applies.</summary>
    public PrefixOptions Options { get; } = options;

    /// <inheritdoc />
    public string Name => "prefix";

    /// <inheritdoc />
    public string PeftType => "PROMPT_TUNING";

    /// <inheritdoc />
    public bool CanMerge => false;

    /// <inheritdoc />
    public int VirtualTokens => Options.VirtualTokens;

    /// <inheritdoc />
    public void Apply(ILanguageModel model)
    {
        if (Options.VirtualTokens < 1)
            throw new PeftException($"prefix.virtualTokens: {Options.VirtualTokens}; expected an integer from 1 to 512.");
        var encoder = Encoder(model);
        if (encoder is null)
        {
            encoder = new PromptEncoder(Options.VirtualTokens, model.Config.HiddenSize);
            ModuleSurgery.AddToRoot(model, EncoderName, encoder);
            if (Options.InitText is { } text)
            {
                using var rows = TextEmbeddings(model, text);
                encoder.Initialize(rows);
            }
        }
        model.SoftPrompt = encoder;
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
    public PeftConfig ToConfig(ILanguageModel model) => PeftConfig.For(this, model, new JsonObject
    {
        ["num_virtual_tokens"] = Options.VirtualTokens,
        ["token_dim"] = model.Config.HiddenSize,
        ["num_transformer_submodules"] = 1,
        ["num_attention_heads"] = model.Config.NumHeads,
        ["num_layers"] = model.Config.NumLayers,
        ["prompt_tuning_init"] = Options.InitText is null ? "RANDOM" : "TEXT",
        ["prompt_tuning_init_text"] = Options.InitText,
        ["tokenizer_name_or_path"] = null,
    });

    /// <summary>
    /// The method adapter_config.json of a prompt-tuning adapter describes; the saved embeddings replace any
    /// initialisation, so the init text is not needed again.
    /// </summary>
    public static PromptMethod FromConfig(PeftConfig config) => new(new PrefixOptions
    {
        Variant = PrefixVariant.Prompt,
        VirtualTokens = config.Int("num_virtual_tokens"),
    });

    /// <inheritdoc />
    public void Merge(ILanguageModel model) => throw AdapterOnly.CannotMerge(this, WhyNot);

    /// <inheritdoc />
    public void Unmerge(ILanguageModel model) { }

    /// <inheritdoc />
    public void SetAdapterEnabled(ILanguageModel model, bool enabled) => model.SoftPrompt = enabled ? Encoder(model) : null;

    /// <inheritdoc />
    public void SaveAdapter(ILanguageModel model, string directory)
    {
        var encoder = Encoder(model) ?? throw new InvalidOperationException("the prompt-tuning method has not been applied to this model.");
        ToConfig(model).Write(directory);
        AdapterWeights.Save(directory, new Dictionary<string, Tensor> { [PromptEmbeddings] = encoder.embedding.weight! });
    }

    /// <inheritdoc />
    public void LoadAdapter(ILanguageModel model, string directory)
    {
        Apply(model);
        AdapterWeights.Load(directory, new Dictionary<string, TorchSharp.Modules.Parameter> { [PromptEmbeddings] = Encoder(model)!.embedding.weight! },
            model.Config.ModelType);
    }

    /// <summary>True for a parameter of the soft prompt.</summary>
    public static bool IsAdapterParameter(string name) => name.StartsWith(EncoderName + ".", StringComparison.Ordinal);

    /// <summary>The soft prompt added to <paramref name="model"/>, or null before <see cref="Apply"/>.</summary>
    public static PromptEncoder? Encoder(ILanguageModel model) => ModuleSurgery.RootChild<PromptEncoder>(model, EncoderName);

    // The token embeddings of the init text, repeated to fill the virtual tokens and cut to length [P, d].
    private Tensor TextEmbeddings(ILanguageModel model, string text)
    {
        if (tokenizer is null)
            throw new PeftException("prefix.initText: initialising a soft prompt from text needs the model's tokenizer; none was given to the method.");
        var ids = tokenizer.Encode(text, addSpecialTokens: true);
        if (ids.Count == 0)
            throw new PeftException($"prefix.initText: '{text}' encodes to no tokens; expected text with at least one token, or leave initText out for a random start.");
        if (ids.Max() >= model.Config.VocabSize)
            throw new PeftException(
                $"prefix.initText: the tokenizer gives id {ids.Max()} but the model's vocab_size is {model.Config.VocabSize}; use the tokenizer the model was trained with.");
        var filled = Enumerable.Range(0, Options.VirtualTokens).Select(i => (long)ids[i % ids.Count]).ToArray();
        using var noGrad = no_grad();
        var device = model.Module.parameters().First().device;
        using var idTensor = tensor(filled, ScalarType.Int64, device);
        using var embedded = model.Embed(idTensor);
        return embedded.detach().clone();
    }
}
