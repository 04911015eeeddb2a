using System.Text.Json.Nodes;

namespace FineTune.Trainer.Models.Bert;

/// <summary>BERT hyperparameters (model_type "bert") plus the label count of the sequence-classification head.</summary>
public sealed record BertConfig : ModelConfig
{
    /// <inheritdoc />
    public override string ModelType => "bert";

    /// <inheritdoc />
    public override string ArchitectureName => "BertForSequenceClassification";

    /// <summary>Feed-forward width (intermediate_size).</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Number of segment ids (type_vocab_size).</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>LayerNorm epsilon (layer_norm_eps).</summary>
    public double LayerNormEpsilon { get; init; } = 1e-12;

    /// <summary>Dropout on embeddings and residual branches (hidden_dropout_prob).</summary>
    public double HiddenDropout { get; init; } = 0.1;

    /// <summary>Dropout on attention probabilities (attention_probs_dropout_prob).</summary>
    public double AttentionDropout { get; init; } = 0.1;

    /// <summary>Dropout before the classifier (classifier_dropout; HF falls back to hidden_dropout_prob).</summary>
    public double? ClassifierDropout { get; init; }

    /// <summary>Number of classes of the classification head (num_labels, or the size of id2label).</summary>
    public int NumLabels { get; init; } = 2;

    private static readonly string[] Known =
    {
        "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act",
        "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "hidden_dropout_prob", "attention_probs_dropout_prob",
        "classifier_dropout", "num_labels", "position_embedding_type",
    };

    /// <summary>Reads a BERT config.json object; <paramref name="source"/> names the file in errors.</summary>
    public static BertConfig FromJson(JsonObject json, string source)
    {
        var c = new ConfigJson(json, source);
        var act = c.String("hidden_act", "gelu");
        if (act != "gelu") throw c.Invalid("hidden_act", json["hidden_act"], "\"gelu\"");
        var positions = c.String("position_embedding_type", "absolute");
        if (positions != "absolute") throw c.Invalid("position_embedding_type", json["position_embedding_type"], "\"absolute\"");
        int labels = json["id2label"] is JsonObject id2label ? id2label.Count : c.Int("num_labels", 2);
        var config = Complete(new BertConfig
        {
            VocabSize = c.Int("vocab_size", 30522),
            HiddenSize = c.Int("hidden_size", 768),
            NumLayers = c.Int("num_hidden_layers", 12),
            NumHeads = c.Int("num_attention_heads", 12),
            IntermediateSize = c.Int("intermediate_size", 3072),
            MaxPositions = c.Int("max_position_embeddings", 512),
            TypeVocabSize = c.Int("type_vocab_size", 2),
            LayerNormEpsilon = c.Double("layer_norm_eps", 1e-12),
            HiddenDropout = c.Double("hidden_dropout_prob", 0.1),
            AttentionDropout = c.Double("attention_probs_dropout_prob", 0.1),
            ClassifierDropout = json["classifier_dropout"] is null ? null : c.Double("classifier_dropout", 0.1),
            NumLabels = labels,
            PadTokenId = 0, // HF BertConfig's default
        }, c, json, Known, source);
        Positive(source, config.NumLabels, "num_labels");
        return config;
    }

    /// <inheritdoc />
    protected override void WriteArchitectureFields(JsonObject json)
    {
        WriteStandardSizes(json);
        json["intermediate_size"] = IntermediateSize;
        json["hidden_act"] = "gelu";
        json["type_vocab_size"] = TypeVocabSize;
        json["layer_norm_eps"] = LayerNormEpsilon;
        json["hidden_dropout_prob"] = HiddenDropout;
        json["attention_probs_dropout_prob"] = AttentionDropout;
        json["classifier_dropout"] = ClassifierDropout;
        json["position_embedding_type"] = "absolute";
        if (json["id2label"] is not JsonObject existing || existing.Count != NumLabels)
        {
            var id2label = new JsonObject();
            var label2id = new JsonObject();
            for (int i = 0; i < NumLabels; i++)
            {
                id2label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = $"LABEL_{i}";
                label2id[$"LABEL_{i}"] = i;
            }
            json["id2label"] = id2label;
            json["label2id"] = label2id;
        }
    }
}
