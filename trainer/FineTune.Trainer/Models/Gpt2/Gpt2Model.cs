using FineTune.Trainer.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Gpt2;

/// <summary>
/// The GPT-2 trunk (HF GPT2Model): token embedding wte + position embedding wpe, dropout, the blocks h.N, final norm
/// ln_f. [B, T] ids (or [B, T, d] input embeddings) → [B, T, d] hidden states.
/// </summary>
public sealed class Gpt2Model : nn.Module<Tensor, Tensor>
{
    /// <summary>Token embedding [vocab, d]; also the output head (tied).</summary>
    public Embedding wte;

    /// <summary>Learned position embedding [n_positions, d].</summary>
    public Embedding wpe;

    private readonly Dropout drop;

    /// <summary>The transformer blocks, bottom first.</summary>
    public ModuleList<Gpt2Block> h;

    /// <summary>Final LayerNorm.</summary>
    public LayerNorm ln_f;

    private readonly Gpt2Config _config;

    /// <summary>Creates the trunk.</summary>
    public Gpt2Model(Gpt2Config config) : base(nameof(Gpt2Model))
    {
        _config = config;
        wte = nn.Embedding(config.VocabSize, config.HiddenSize);
        wpe = nn.Embedding(config.MaxPositions, config.HiddenSize);
        drop = nn.Dropout(config.EmbeddingDropout);
        h = new ModuleList<Gpt2Block>(Enumerable.Range(0, config.NumLayers).Select(i => new Gpt2Block(config, i)).ToArray());
        ln_f = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        RegisterComponents();
    }

    /// <summary>Learned input embeddings put before every sequence (prompt tuning), or null.</summary>
    public ISoftPrompt? SoftPrompt { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds)
    {
        using var embeddings = wte.forward(inputIds);
        return Forward(embeddings, null, null, null);
    }

    /// <summary>
    /// Hidden states after ln_f for input embeddings [B, T, d] (wte space); other arguments as in
    /// <see cref="ICausalLanguageModel.Forward"/>.
    /// </summary>
    public Tensor Forward(Tensor inputsEmbeds, Tensor? attentionMask, Tensor? positionIds, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        var inputs = VirtualTokenInputs.Prepare(inputsEmbeds, attentionMask, positionIds, cache?.Length ?? 0, SoftPrompt,
            h[0].attn.Prefix, _config.MaxPositions);
        var hidden = drop.forward(inputs.Embeddings.add(wpe.forward(inputs.PositionIds)));
        foreach (var block in h) hidden = block.Forward(hidden, inputs.AttentionMask, cache);
        return inputs.RealTokens(ln_f.forward(hidden)).MoveToOuterDisposeScope();
    }
}
