using FineTune.Trainer.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Llama;

/// <summary>The Llama trunk (HF LlamaModel): embed_tokens, layers.N, norm. [B, T] ids → [B, T, d].</summary>
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

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds) => Forward(inputIds, null, null, null);

    /// <summary>Hidden states after the final norm; arguments as in <see cref="ICausalLanguageModel.Forward"/>.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask, Tensor? positionIds, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        long past = cache?.Length ?? 0;
        long t = inputIds.shape[1];
        positionIds ??= arange(past, past + t, device: inputIds.device).unsqueeze(0);
        var hidden = embed_tokens.forward(inputIds);
        var (cos, sin) = _rotary.CosSin(positionIds, hidden.dtype);
        foreach (var layer in layers) hidden = layer.Forward(hidden, cos, sin, attentionMask, cache);
        return norm.forward(hidden).MoveToOuterDisposeScope();
    }
}
