using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>The BERT trunk (HF BertModel): embeddings, encoder, pooler. Returns the pooled [CLS] vector [B, d].</summary>
public sealed class BertModel : nn.Module<Tensor, Tensor>
{
    /// <summary>Input embeddings.</summary>
    public BertEmbeddings embeddings;

    /// <summary>Encoder blocks.</summary>
    public BertEncoder encoder;

    /// <summary>[CLS] pooler.</summary>
    public BertPooler pooler;

    /// <summary>Creates the trunk.</summary>
    public BertModel(BertConfig config) : base(nameof(BertModel))
    {
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        pooler = new BertPooler(config);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds) => Forward(inputIds, null, null);

    /// <summary>Pooled output for the batch.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var hidden = encoder.Forward(embeddings.Forward(inputIds, tokenTypeIds), attentionMask);
        return pooler.forward(hidden).MoveToOuterDisposeScope();
    }
}
