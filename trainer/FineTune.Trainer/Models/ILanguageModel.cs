using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>
/// What every model exposes to the training loop and to fine-tuning methods, whatever its architecture.
/// Parameter and module names are the Hugging Face names (e.g. "transformer.h.0.attn.c_attn",
/// "model.layers.3.self_attn.q_proj", "bert.encoder.layer.0.attention.self.query"), so methods target modules by
/// those names and checkpoints load without renaming.
/// </summary>
public interface ILanguageModel
{
    /// <summary>The architecture hyperparameters (written back as config.json on save).</summary>
    ModelConfig Config { get; }

    /// <summary>The root module: parameters(), named_modules(), state_dict(), train()/eval(), to(device).</summary>
    torch.nn.Module Module { get; }

    /// <summary>Names of the repeated transformer blocks in order, bottom first (e.g. "transformer.h.0").</summary>
    IReadOnlyList<string> BlockNames { get; }

    /// <summary>Names of the token (and position) embedding modules.</summary>
    IReadOnlyList<string> EmbeddingNames { get; }

    /// <summary>Names of the output head modules (lm_head, classifier); empty when the head is tied to the embedding.</summary>
    IReadOnlyList<string> HeadNames { get; }

    /// <summary>Every attention module, bottom first, for methods that inject key/value prefixes.</summary>
    IReadOnlyList<IAttention> Attentions { get; }

    /// <summary>The token embeddings [batch, seq, hidden] of <paramref name="inputIds"/> (HF get_input_embeddings).</summary>
    Tensor Embed(Tensor inputIds);

    /// <summary>
    /// Learned input embeddings placed before every sequence (prompt tuning; null: none). The model prepends them,
    /// widens the padding mask over them and returns outputs for the real tokens only (a classifier pools over the
    /// whole sequence, as Hugging Face PEFT does).
    /// </summary>
    ISoftPrompt? SoftPrompt { get; set; }
}
