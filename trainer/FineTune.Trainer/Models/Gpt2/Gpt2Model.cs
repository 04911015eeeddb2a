using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Gpt2;

/// <summary>
/// The GPT-2 trunk (HF GPT2Model): token embedding wte + position embedding wpe, dropout, the blocks h.N, final norm
/// ln_f. [B, T] ids → [B, T, d] hidden states.
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

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds) => Forward(inputIds, null, null, null);

    /// <summary>Hidden states after ln_f; arguments as in <see cref="ICausalLanguageModel.Forward"/>.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask, Tensor? positionIds, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        long past = cache?.Length ?? 0;
        long t = inputIds.shape[1];
        if (positionIds is null)
        {
            if (past + t > _config.MaxPositions) PositionLimit.Check(arange(past, past + t), _config.MaxPositions);
            positionIds = arange(past, past + t, device: inputIds.device).unsqueeze(0);
        }
        else PositionLimit.Check(positionIds, _config.MaxPositions);
        var hidden = drop.forward(wte.forward(inputIds).add(wpe.forward(positionIds)));
        foreach (var block in h) hidden = block.Forward(hidden, attentionMask, cache);
        return ln_f.forward(hidden).MoveToOuterDisposeScope();
    }
}
