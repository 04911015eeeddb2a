using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// A decoder and the heads a reward or ppo stage trains beside it, seen as one <see cref="ILanguageModel"/>: its
/// <see cref="Module"/> holds the decoder's own top-level modules and parameters under their usual names plus each head
/// under its name (<c>score</c> → <c>score.weight</c>, <c>v_head</c> → <c>v_head.summary.weight</c>). So the shared
/// <see cref="Training.MasterWeightAdamW"/> and the shared checkpoint format
/// (<see cref="Training.Checkpointing.TrainingCheckpoint"/>) cover decoder and heads together, and a checkpoint's
/// tensor names are the Hugging Face and TRL ones. Build it after the fine-tuning method was applied (injection replaces
/// modules); it owns nothing: disposing the decoder and the heads stays with their owners.
/// </summary>
public sealed class ModelWithHeads : ILanguageModel
{
    private readonly ILanguageModel _decoder;

    /// <summary>The view of <paramref name="decoder"/> with <paramref name="heads"/> (name, module) beside it.</summary>
    public ModelWithHeads(ILanguageModel decoder, params (string Name, nn.Module Module)[] heads)
    {
        _decoder = decoder;
        Module = new Combined(decoder.Module, heads);
    }

    /// <inheritdoc />
    public ModelConfig Config => _decoder.Config;

    /// <inheritdoc />
    public nn.Module Module { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> BlockNames => _decoder.BlockNames;

    /// <inheritdoc />
    public IReadOnlyList<string> EmbeddingNames => _decoder.EmbeddingNames;

    /// <inheritdoc />
    public IReadOnlyList<string> HeadNames => _decoder.HeadNames;

    /// <inheritdoc />
    public IReadOnlyList<IAttention> Attentions => _decoder.Attentions;

    /// <inheritdoc />
    public ISoftPrompt? SoftPrompt
    {
        get => _decoder.SoftPrompt;
        set => _decoder.SoftPrompt = value;
    }

    /// <inheritdoc />
    public Tensor Embed(Tensor inputIds) => _decoder.Embed(inputIds);

    // Registers the decoder's children and direct parameters (not the decoder itself, which would prefix every name)
    // and the heads; the modules stay shared with their owners.
    private sealed class Combined : nn.Module
    {
        public Combined(nn.Module decoder, IEnumerable<(string Name, nn.Module Module)> heads) : base("model_with_heads")
        {
            foreach (var (name, child) in decoder.named_children()) register_module(name, child);
            foreach (var (name, parameter) in decoder.named_parameters(recurse: false)) register_parameter(name, parameter);
            foreach (var (name, head) in heads)
            {
                if (named_children().Any(c => c.name == name))
                    throw new ArgumentException($"head name '{name}' is already a module of the decoder", nameof(heads));
                register_module(name, head);
            }
        }
    }
}
