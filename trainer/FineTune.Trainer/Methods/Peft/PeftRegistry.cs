using FineTune.Trainer.Methods.Adapter;
using FineTune.Trainer.Methods.Lora;
using FineTune.Trainer.Methods.Prefix;
using FineTune.Trainer.Methods.Prompt;
using FineTune.Trainer.Methods.Qlora;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>
/// Maps the peft_type of an adapter_config.json to the method that reads it, so any saved adapter loads onto its base
/// without the caller knowing its kind. Adding an adapter method is one line here (and one in MethodRegistry).
/// </summary>
public static class PeftRegistry
{
    private static readonly Dictionary<string, Func<PeftConfig, IPeftMethod>> Factories = new(StringComparer.Ordinal)
    {
        // PEFT writes QLoRA adapters as LORA too; their quantization_config tells them apart.
        ["LORA"] = config => QloraMethod.Describes(config) ? QloraMethod.FromConfig(config) : LoraMethod.FromConfig(config),
        ["BOTTLENECK"] = AdapterMethod.FromConfig,
        ["PREFIX_TUNING"] = PrefixMethod.FromConfig,
        ["PROMPT_TUNING"] = PromptMethod.FromConfig,
    };

    /// <summary>The peft_type values that can be loaded.</summary>
    public static IReadOnlyList<string> Supported => Factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The method <paramref name="config"/> describes.</summary>
    public static IPeftMethod Create(PeftConfig config) =>
        Factories.TryGetValue(config.PeftType, out var factory)
            ? factory(config)
            : throw new PeftException(
                $"{config.Source}: peft_type '{config.PeftType}' is not supported; supported: {string.Join(", ", Supported)}.");

    /// <summary>
    /// Reads the adapter in <paramref name="directory"/>, applies its method to <paramref name="model"/> and loads its
    /// tensors; returns the method (to merge, export or switch the adapter off).
    /// </summary>
    public static IPeftMethod LoadAdapter(ILanguageModel model, string directory)
    {
        var config = PeftConfig.Read(directory);
        if (config.BaseModelType != model.Config.ModelType)
            throw new PeftException(
                $"{config.Source}: the adapter was trained on a {config.BaseModelType} model (base_model_type) and cannot be loaded " +
                $"onto a {model.Config.ModelType} model.");
        var method = Create(config);
        method.LoadAdapter(model, directory);
        return method;
    }
}
