using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>word + position + token-type embeddings, then LayerNorm and dropout; [B, T] → [B, T, d].</summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor>
{
    /// <summary>Token embedding [vocab, d].</summary>
    public Embedding word_embeddings;

    /// <summary>Learned absolute positions [max_positions, d].</summary>
    public Embedding position_embeddings;

    /// <summary>Segment embedding [type_vocab, d].</summary>
    public Embedding token_type_embeddings;

    /// <summary>Norm over the summed embeddings (HF name is capitalised).</summary>
    public LayerNorm LayerNorm;

    private readonly Dropout dropout;
    private readonly int _maxPositions;

    /// <summary>Creates the embeddings.</summary>
    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize);
        position_embeddings = nn.Embedding(config.MaxPositions, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        dropout = nn.Dropout(config.HiddenDropout);
        _maxPositions = config.MaxPositions;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds) => Forward(inputIds, null);

    /// <summary>Embeds <paramref name="inputIds"/> with optional segment ids (default all 0).</summary>
    public Tensor Forward(Tensor inputIds, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        long t = inputIds.shape[1];
        if (t > _maxPositions)
            throw new ArgumentException(
                $"sequence length {t} is beyond the model's {_maxPositions} positions (max_position_embeddings); truncate the input.");
        var positions = arange(t, device: inputIds.device).unsqueeze(0);
        tokenTypeIds ??= zeros_like(inputIds);
        var sum = word_embeddings.forward(inputIds).add(token_type_embeddings.forward(tokenTypeIds))
            .add(position_embeddings.forward(positions));
        return dropout.forward(LayerNorm.forward(sum)).MoveToOuterDisposeScope();
    }
}
