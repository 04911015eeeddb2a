namespace FineTune.Trainer.Methods.Peft;

/// <summary>File and key names of a PEFT adapter directory, so tools that read PEFT output read ours.</summary>
public static class AdapterFiles
{
    /// <summary>The adapter's settings.</summary>
    public const string Config = "adapter_config.json";

    /// <summary>The adapter's tensors.</summary>
    public const string Weights = "adapter_model.safetensors";

    /// <summary>PEFT stores tensors under the wrapped model's path: base_model.model.&lt;module&gt;....</summary>
    public const string KeyPrefix = "base_model.model.";
}
