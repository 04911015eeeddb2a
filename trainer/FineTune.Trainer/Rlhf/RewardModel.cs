using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// A reward model: a decoder whose final hidden state at the last real token goes through a scalar head, the shape of
/// Hugging Face's <c>*ForSequenceClassification</c> with <c>num_labels=1</c> (TRL's reward models). Saved in that layout:
/// the decoder's tensors under their usual names plus <c>score.weight</c> [1, hidden], and config.json naming the
/// sequence-classification architecture, so the ppo stage (or Transformers) loads it back.
/// </summary>
public sealed class RewardModel : IRewardScorer, IDisposable
{
    /// <summary>The name of the head tensor in the saved file (Hugging Face's name for every decoder architecture).</summary>
    public const string ScoreWeight = "score.weight";

    private RewardModel(ICausalLanguageModel decoder, Linear score)
    {
        Decoder = decoder;
        Head = score;
    }

    /// <summary>The transformer the reward reads its features from.</summary>
    public ICausalLanguageModel Decoder { get; }

    /// <summary>The scalar head, hidden → 1, no bias (as Hugging Face builds it).</summary>
    public Linear Head { get; }

    /// <summary>Every parameter: the decoder's, then the head's.</summary>
    public IEnumerable<Parameter> Parameters() => Decoder.Module.parameters().Concat(Head.parameters());

    /// <summary>
    /// A reward model on <paramref name="decoder"/> with a fresh head drawn with the model's initializer range, from a
    /// generator seeded with <paramref name="seed"/> (null: torch's global generator). A seeded head makes the stage
    /// repeatable whatever drew from the global generator before, which a resumed run must match.
    /// </summary>
    public static RewardModel Create(ICausalLanguageModel decoder, long? seed = null)
    {
        var device = decoder.Module.parameters().First().device;
        // Drawn on the CPU (where the generator lives), then moved: the same head on every device.
        var score = nn.Linear(decoder.Config.HiddenSize, 1, hasBias: false);
        using var generator = seed is long value ? new Generator(unchecked((ulong)value)) : null;
        // Tensor.normal_ rather than nn.init.normal_: the latter ignores its generator in TorchSharp 0.107 (measured).
        using (no_grad()) score.weight.normal_(0, 1 / Math.Sqrt(decoder.Config.HiddenSize + 1), generator);
        score.to(device);
        return new RewardModel(decoder, score);
    }

    /// <summary>
    /// Rewards [batch] for <paramref name="inputIds"/> [batch, seq] right-padded as <paramref name="attentionMask"/>
    /// [batch, seq] says (null: no padding): the head applied to the hidden state of each row's last real token.
    /// </summary>
    public Tensor Rewards(Tensor inputIds, Tensor? attentionMask)
    {
        var hidden = Decoder.ForwardHidden(inputIds, attentionMask);
        var batch = inputIds.shape[0];
        var last = attentionMask is null
            ? full(new long[] { batch }, inputIds.shape[1] - 1, dtype: ScalarType.Int64, device: inputIds.device)
            : attentionMask.sum(1) - 1;
        var index = last.view(batch, 1, 1).expand(batch, 1, hidden.shape[2]);
        var features = hidden.gather(1, index).squeeze(1);
        return Head.forward(features.to(Head.weight.dtype)).squeeze(-1).to(ScalarType.Float32);
    }

    /// <inheritdoc />
    public Tensor Score(Tensor inputIds, Tensor attentionMask) => Rewards(inputIds, attentionMask);

    /// <summary>Writes config.json and model.safetensors in the sequence-classification layout (float32).</summary>
    public void Save(string directory, int? padTokenId)
    {
        Directory.CreateDirectory(directory);
        var config = Decoder.Config.ToJson();
        config["architectures"] = new JsonArray(SequenceClassificationArchitecture(Decoder.Config.ModelType));
        config["id2label"] = new JsonObject { ["0"] = "LABEL_0" };
        config["label2id"] = new JsonObject { ["LABEL_0"] = 0 };
        // Transformers finds each row's last real token through pad_token_id.
        if (config["pad_token_id"] is null && padTokenId is int pad) config["pad_token_id"] = pad;
        config["torch_dtype"] = "float32";
        File.WriteAllText(Path.Combine(directory, CheckpointFiles.Config),
            config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in Decoder.Module.named_parameters())
            tensors[name] = parameter.detach().to(ScalarType.Float32, CPU).contiguous();
        tensors[ScoreWeight] = Head.weight.detach().to(ScalarType.Float32, CPU).contiguous();
        HuggingFaceCheckpoint.WriteWeights(directory, tensors);
    }

    /// <summary>Loads a reward model saved by <see cref="Save"/> (or by Transformers in the same layout), frozen, in eval mode.</summary>
    /// <exception cref="ModelFormatException">The directory holds no score head or the wrong shape of one.</exception>
    public static RewardModel Load(string directory, Device device)
    {
        var config = HuggingFaceCheckpoint.ReadConfig(directory);
        var (tensors, source) = WeightFileReader.Read(directory);
        try
        {
            if (!tensors.Remove(ScoreWeight, out var scoreWeight))
                throw new ModelFormatException(
                    $"{source}: no '{ScoreWeight}' tensor: not a reward model; expected the output of a reward stage " +
                    "(a *ForSequenceClassification model with num_labels 1).");
            using (scoreWeight)
            {
                if (scoreWeight.shape.Length != 2 || scoreWeight.shape[0] != 1 || scoreWeight.shape[1] != config.HiddenSize)
                    throw new ModelFormatException(
                        $"{source}: '{ScoreWeight}' has shape [{string.Join(", ", scoreWeight.shape)}]; expected [1, {config.HiddenSize}] (one reward per sequence).");
                var model = ModelRegistry.Create(config) as ICausalLanguageModel
                    ?? throw new ModelFormatException($"{source}: model_type '{config.ModelType}' is not a decoder; a reward model needs one.");
                StateDictLoader.Load(model, tensors, source);
                model.Module.to(device);
                var reward = Create(model);
                using (no_grad()) reward.Head.weight.copy_(scoreWeight);
                model.Module.eval();
                foreach (var parameter in reward.Parameters()) parameter.requires_grad = false;
                return reward;
            }
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>Hugging Face's sequence-classification class for a model_type.</summary>
    public static string SequenceClassificationArchitecture(string modelType) => modelType switch
    {
        "gpt2" => "GPT2ForSequenceClassification",
        "llama" => "LlamaForSequenceClassification",
        "mistral" => "MistralForSequenceClassification",
        "qwen2" => "Qwen2ForSequenceClassification",
        _ => throw new ModelFormatException($"model_type '{modelType}': no reward-model layout; expected gpt2, llama, mistral or qwen2."),
    };

    /// <inheritdoc />
    public void Dispose()
    {
        Decoder.Module.Dispose();
        Head.Dispose();
    }
}
