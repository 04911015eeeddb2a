namespace FineTune.Trainer.Checkpoints;

/// <summary>File names of a Hugging Face model directory.</summary>
public static class CheckpointFiles
{
    /// <summary>Architecture hyperparameters.</summary>
    public const string Config = "config.json";

    /// <summary>Single-file weights.</summary>
    public const string Safetensors = "model.safetensors";

    /// <summary>Index of sharded safetensors weights (weight_map: tensor name → shard file).</summary>
    public const string SafetensorsIndex = "model.safetensors.index.json";

    /// <summary>Legacy PyTorch pickle weights.</summary>
    public const string PytorchBin = "pytorch_model.bin";
}
