using FineTune.Trainer.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Llama;

/// <summary>The Llama trunk (HF LlamaModel): embed_tokens, layers.N, norm. [B, T] ids (or [B, T, d] input embeddings) → [B, T, d].</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor>
{
    /// <summary>Token embedding [vocab, d].</summary>
    public Embedding embed_tokens;

    /// <summary>The decoder blocks, bottom first.</summary>
    public ModuleList<LlamaDecoderLayer> layers;

    /// <summary>Final RMSNorm.</summary>
    public RmsNorm norm;

    private readonly RotaryEmbedding _rotary;
    private readonly LlamaConfig _config;

    /// <summary>Creates the trunk.</summary>
    public LlamaModel(LlamaConfig config) : base(nameof(LlamaModel))
    {
        _config = config;
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        layers = new ModuleList<LlamaDecoderLayer>(
            Enumerable.Range(0, config.NumLayers).Select(i => new LlamaDecoderLayer(config, i)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEpsilon);
        _rotary = new RotaryEmbedding(config.HeadDim, config.RopeTheta);
        RegisterComponents();
    }

    /// <summary>Learned input embeddings put before every sequence (prompt tuning), or null.</summary>
    public ISoftPrompt? SoftPrompt { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds)
    {
        using var embeddings = embed_tokens.forward(inputIds);
        return Forward(embeddings, null, null, null);
    }

    /// <summary>
    /// Hidden states after the final norm for input embeddings [B, T, d] (embed_tokens space); other arguments as in
    /// <see cref="ICausalLanguageModel.Forward"/>. Rotary positions have no table, so no position limit is enforced
    /// here (the job checks the configured sequence length against max_position_embeddings).
    /// </summary>
    public Tensor Forward(Tensor inputsEmbeds, Tensor? attentionMask, Tensor? positionIds, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        var inputs = VirtualTokenInputs.Prepare(inputsEmbeds, attentionMask, positionIds, cache?.Length ?? 0, SoftPrompt,
            layers[0].self_attn.Prefix, maxPositions: null);
        var hidden = inputs.Embeddings;
        var (cos, sin) = _rotary.CosSin(inputs.PositionIds, hidden.dtype);
        foreach (var layer in layers) hidden = layer.Forward(hidden, cos, sin, inputs.AttentionMask, cache);
        return inputs.RealTokens(norm.forward(hidden)).MoveToOuterDisposeScope();
    }
}
