using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>
/// BERT with a classification head (HF BertForSequenceClassification): classifier(dropout(pooled)) → [B, num_labels].
/// </summary>
public sealed class BertForSequenceClassification : nn.Module<Tensor, Tensor>, ISequenceClassifier
{
    /// <summary>The trunk; parameter names start with "bert.".</summary>
    public BertModel bert;

    private readonly Dropout dropout;

    /// <summary>Linear head [d → num_labels].</summary>
    public nn.Module<Tensor, Tensor> classifier;

    private readonly BertConfig _config;

    /// <summary>Creates a model with freshly initialised weights (seed with torch.manual_seed).</summary>
    public BertForSequenceClassification(BertConfig config) : base(nameof(BertForSequenceClassification))
    {
        _config = config;
        bert = new BertModel(config);
        dropout = nn.Dropout(config.ClassifierDropout ?? config.HiddenDropout);
        classifier = nn.Linear(config.HiddenSize, config.NumLabels);
        RegisterComponents();
        Initialization.Bert(this, config);
        BlockNames = Enumerable.Range(0, config.NumLayers).Select(i => $"bert.encoder.layer.{i}").ToArray();
        Attentions = bert.encoder.layer.Select(l => (IAttention)l.attention.self).ToArray();
    }

    /// <inheritdoc />
    public ModelConfig Config => _config;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public int NumLabels => _config.NumLabels;

    /// <inheritdoc />
    public IReadOnlyList<string> BlockNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> EmbeddingNames { get; } = new[] { "bert.embeddings" };

    /// <inheritdoc />
    public IReadOnlyList<string> HeadNames { get; } = new[] { "bert.pooler", "classifier" };

    /// <inheritdoc />
    public IReadOnlyList<IAttention> Attentions { get; }

    /// <inheritdoc />
    public Tensor Embed(Tensor inputIds) => bert.embeddings.word_embeddings.forward(inputIds);

    /// <inheritdoc />
    public ISoftPrompt? SoftPrompt { get => bert.SoftPrompt; set => bert.SoftPrompt = value; }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds) => Forward(inputIds);

    /// <inheritdoc />
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? tokenTypeIds = null)
    {
        using var scope = NewDisposeScope();
        var pooled = bert.Forward(inputIds, attentionMask, tokenTypeIds);
        return classifier.forward(dropout.forward(pooled)).MoveToOuterDisposeScope();
    }
}
