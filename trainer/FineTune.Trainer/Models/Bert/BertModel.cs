using FineTune.Trainer.Models.Layers;
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

    private readonly int _maxPositions;

    /// <summary>Creates the trunk.</summary>
    public BertModel(BertConfig config) : base(nameof(BertModel))
    {
        _maxPositions = config.MaxPositions;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        pooler = new BertPooler(config);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds) => Forward(inputIds, null, null);

    /// <summary>Learned input embeddings put before every sequence (prompt tuning), or null.</summary>
    public ISoftPrompt? SoftPrompt { get; set; }

    /// <summary>
    /// Pooled output for the batch. A soft prompt is prepended with segment 0 and the pooler reads the first row, a
    /// virtual token then, as in Hugging Face PEFT.
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var words = embeddings.word_embeddings.forward(inputIds);
        var inputs = VirtualTokenInputs.Prepare(words, attentionMask, null, 0, SoftPrompt, encoder.layer[0].attention.self.Prefix,
            _maxPositions);
        var segments = tokenTypeIds ?? zeros_like(inputIds);
        if (inputs.PromptLength > 0)
            segments = cat(new[] { zeros(new[] { segments.shape[0], inputs.PromptLength }, segments.dtype, segments.device), segments }, 1);
        var hidden = encoder.Forward(embeddings.Forward(inputs.Embeddings, segments, inputs.PositionIds), inputs.AttentionMask);
        return pooler.forward(hidden).MoveToOuterDisposeScope();
    }
}
