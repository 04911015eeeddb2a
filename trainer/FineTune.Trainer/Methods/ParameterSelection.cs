using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods;

/// <summary>Helpers methods share to switch requires_grad on a chosen set of parameters and off everywhere else.</summary>
public static class ParameterSelection
{
    /// <summary>
    /// Makes exactly the parameters named in <paramref name="trainable"/> require gradients. Setting the flag on every
    /// parameter (not only turning some off) is what makes applying a method idempotent.
    /// </summary>
    public static void RequireGradientsOnly(ILanguageModel model, IReadOnlySet<string> trainable)
    {
        foreach (var (name, parameter) in model.Module.named_parameters())
            parameter.requires_grad = trainable.Contains(name);
    }

    /// <summary>True when parameter <paramref name="name"/> belongs to module <paramref name="module"/> or is it.</summary>
    public static bool IsUnder(string name, string module) =>
        name.Length > module.Length ? name.StartsWith(module, StringComparison.Ordinal) && name[module.Length] == '.' : name == module;
}
