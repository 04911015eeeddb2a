using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Gpt2;

/// <summary>
/// GPT-2 with its language-model head (HF GPT2LMHeadModel). The head is tied to transformer.wte, so it has no
/// parameters of its own and checkpoints carry no lm_head.weight.
/// </summary>
public sealed class Gpt2LMHeadModel : nn.Module<Tensor, Tensor>, ICausalLanguageModel
{
    /// <summary>The trunk; parameter names start with "transformer.".</summary>
    public Gpt2Model transformer;

    private readonly Gpt2Config _config;

    /// <summary>Creates a GPT-2 with freshly initialised weights (HF's scheme; seed with torch.manual_seed).</summary>
    public Gpt2LMHeadModel(Gpt2Config config) : base(nameof(Gpt2LMHeadModel))
    {
        _config = config;
        transformer = new Gpt2Model(config);
        RegisterComponents();
        Initialization.Gpt2(this, config);
        BlockNames = Enumerable.Range(0, config.NumLayers).Select(i => $"transformer.h.{i}").ToArray();
        Attentions = transformer.h.Select(b => (IAttention)b.attn).ToArray();
    }

    /// <inheritdoc />
    public ModelConfig Config => _config;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public IReadOnlyList<string> BlockNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> EmbeddingNames { get; } = new[] { "transformer.wte", "transformer.wpe" };

    /// <inheritdoc />
    public IReadOnlyList<string> HeadNames { get; } = Array.Empty<string>();

    /// <inheritdoc />
    public IReadOnlyList<IAttention> Attentions { get; }

    /// <inheritdoc />
    public ISoftPrompt? SoftPrompt { get => transformer.SoftPrompt; set => transformer.SoftPrompt = value; }

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
    public Tensor Embed(Tensor inputIds) => transformer.wte.forward(inputIds);

    /// <inheritdoc />
    public Tensor ForwardEmbeddings(Tensor inputsEmbeds, Tensor? attentionMask = null, Tensor? positionIds = null, KeyValueCache? cache = null) =>
        transformer.Forward(inputsEmbeds, attentionMask, positionIds, cache);

    /// <inheritdoc />
    public Tensor Logits(Tensor hidden) => nn.functional.linear(hidden, transformer.wte.weight!);
}
