using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Llama;

/// <summary>
/// Llama, Mistral or Qwen2 with its language-model head (HF LlamaForCausalLM and its variants). With
/// tie_word_embeddings the head reuses model.embed_tokens and there is no lm_head parameter.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module<Tensor, Tensor>, ICausalLanguageModel
{
    /// <summary>The trunk; parameter names start with "model.".</summary>
    public LlamaModel model;

    /// <summary>Output head [d → vocab] without bias; null when tied to the embedding.</summary>
    public Linear? lm_head;

    private readonly LlamaConfig _config;

    /// <summary>Creates a model with freshly initialised weights (seed with torch.manual_seed).</summary>
    public LlamaForCausalLM(LlamaConfig config) : base(nameof(LlamaForCausalLM))
    {
        _config = config;
        model = new LlamaModel(config);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
        Initialization.Standard(this, config);
        BlockNames = Enumerable.Range(0, config.NumLayers).Select(i => $"model.layers.{i}").ToArray();
        HeadNames = config.TieWordEmbeddings ? Array.Empty<string>() : new[] { "lm_head" };
        Attentions = model.layers.Select(l => (IAttention)l.self_attn).ToArray();
    }

    /// <inheritdoc />
    public ModelConfig Config => _config;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public IReadOnlyList<string> BlockNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> EmbeddingNames { get; } = new[] { "model.embed_tokens" };

    /// <inheritdoc />
    public IReadOnlyList<string> HeadNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<IAttention> Attentions { get; }

    /// <inheritdoc />
    public ISoftPrompt? SoftPrompt { get => model.SoftPrompt; set => model.SoftPrompt = value; }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds) => Forward(inputIds);

    /// <inheritdoc />
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KeyValueCache? cache = null)
    {
        using var hidden = ForwardHidden(inputIds, attentionMask, positionIds, cache);
        return Logits(hidden);
    }

    /// <inheritdoc />
    public Tensor ForwardHidden(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KeyValueCache? cache = null)
    {
        using var embeddings = Embed(inputIds);
        return ForwardEmbeddings(embeddings, attentionMask, positionIds, cache);
    }

    /// <inheritdoc />
    public Tensor Embed(Tensor inputIds) => model.embed_tokens.forward(inputIds);

    /// <inheritdoc />
    public Tensor ForwardEmbeddings(Tensor inputsEmbeds, Tensor? attentionMask = null, Tensor? positionIds = null, KeyValueCache? cache = null) =>
        model.Forward(inputsEmbeds, attentionMask, positionIds, cache);

    /// <inheritdoc />
    public Tensor Logits(Tensor hidden) =>
        lm_head is null ? nn.functional.linear(hidden, model.embed_tokens.weight!) : lm_head.forward(hidden);
}
