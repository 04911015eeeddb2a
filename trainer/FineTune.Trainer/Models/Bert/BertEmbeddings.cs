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

    /// <summary>Creates the embeddings.</summary>
    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize);
        position_embeddings = nn.Embedding(config.MaxPositions, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        dropout = nn.Dropout(config.HiddenDropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var words = word_embeddings.forward(inputIds);
        var positions = arange(inputIds.shape[1], device: inputIds.device).unsqueeze(0);
        return Forward(words, zeros_like(inputIds), positions).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Adds segment and position embeddings to <paramref name="inputsEmbeds"/> [B, T, d] (word-embedding space, HF
    /// inputs_embeds), then norm and dropout. <paramref name="tokenTypeIds"/> [B, T]; <paramref name="positionIds"/> [B or 1, T].
    /// </summary>
    public Tensor Forward(Tensor inputsEmbeds, Tensor tokenTypeIds, Tensor positionIds)
    {
        using var scope = NewDisposeScope();
        var sum = inputsEmbeds.add(token_type_embeddings.forward(tokenTypeIds)).add(position_embeddings.forward(positionIds));
        return dropout.forward(LayerNorm.forward(sum)).MoveToOuterDisposeScope();
    }
}
