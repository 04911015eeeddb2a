using System.Text.Json.Nodes;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;
using FineTune.Trainer.Rlhf;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Rlhf;

public sealed class RewardModelTests
{
    private static RewardTrainer Trainer(RewardModel model, long steps, string runDirectory) =>
        new(model, RlhfFixtures.Preferences.Train, RlhfFixtures.Preferences.Validation,
            TrainingSetup.Options(steps, learningRate: 2e-3, batchSize: 8), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(runDirectory, 1), NullTrainingObserver.Instance);

    [Fact]
    public void Reward_model_ranks_held_out_reverse_words_pairs_well_above_chance()
    {
        using var dir = new TempDirectory();
        using var model = RewardModel.Create((ICausalLanguageModel)TrainingSetup.Model("gpt2", seed: 3));
        var trainer = Trainer(model, steps: 30, dir.Path);
        var (before, _) = trainer.Evaluate(RlhfFixtures.Preferences.Validation);

        var result = trainer.Run();

        Assert.Equal(30, result.Steps);
        Assert.NotNull(result.ValidationAccuracy);
        Assert.True(result.ValidationAccuracy >= 0.8, $"held-out accuracy {result.ValidationAccuracy:F3} (before training {before:F3})");
        Assert.True(result.ValidationAccuracy > before + 0.2, $"held-out accuracy {before:F3} → {result.ValidationAccuracy:F3}");
    }

    [Fact]
    public void Saved_reward_model_has_the_hugging_face_score_head_and_loads_back_with_the_same_rewards()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        using var model = RewardModel.Create((ICausalLanguageModel)TrainingSetup.Model("gpt2", seed: 4));
        model.Decoder.Module.eval();
        var batch = TrainingBatch.From(FineTune.Trainer.Data.Batching.BatchCollator.Collate(RlhfFixtures.Preferences.Validation.Take(4).ToList(), TrainingSetup.PadId), CPU);
        var expected = model.Rewards(batch.InputIds, batch.AttentionMask).detach();

        model.Save(dir.Path, TrainingSetup.PadId);
        using var loaded = RewardModel.Load(dir.Path, CPU);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "config.json")))!;
        Assert.Equal("GPT2ForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        Assert.Single(config["id2label"]!.AsObject());
        var (tensors, _) = WeightFileReader.Read(dir.Path);
        Assert.Equal([1L, model.Decoder.Config.HiddenSize], tensors[RewardModel.ScoreWeight].shape);
        foreach (var tensor in tensors.Values) tensor.Dispose();
        var actual = loaded.Rewards(batch.InputIds, batch.AttentionMask);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6), "rewards changed across save and load");
    }

    [Fact]
    public void A_directory_without_a_score_head_is_not_a_reward_model()
    {
        using var dir = new TempDirectory();
        HuggingFaceCheckpoint.Save(TrainingSetup.Model("gpt2"), dir.Path);
        var error = Assert.Throws<ModelFormatException>(() => RewardModel.Load(dir.Path, CPU));
        Assert.Contains("no 'score.weight' tensor: not a reward model", error.Message);
    }
}
