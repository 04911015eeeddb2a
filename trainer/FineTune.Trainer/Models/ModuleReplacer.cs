using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>
/// Swaps a named submodule for another (how adapters such as LoRA wrap a projection in place, as PEFT's setattr
/// does). Projections in the models are fields of type <c>Module&lt;Tensor, Tensor&gt;</c>, so a wrapper holding the
/// original (e.g. as "base_layer") can take their place; parameter names follow the new tree
/// ("…q_proj.base_layer.weight", "…q_proj.lora_A.weight").
/// </summary>
public static class ModuleReplacer
{
    /// <summary>The submodule at <paramref name="qualifiedName"/> (e.g. "model.layers.0.self_attn.q_proj").</summary>
    public static nn.Module Get(nn.Module root, string qualifiedName) =>
        root.named_modules().FirstOrDefault(m => m.name == qualifiedName).module
        ?? throw new ArgumentException($"module '{qualifiedName}' does not exist in this model.");

    /// <summary>
    /// Replaces the submodule at <paramref name="qualifiedName"/> with <paramref name="replacement"/> and returns
    /// the module it replaced.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Replace(nn.Module root, string qualifiedName, nn.Module<Tensor, Tensor> replacement)
    {
        int dot = qualifiedName.LastIndexOf('.');
        var parent = dot < 0 ? root : Get(root, qualifiedName[..dot]);
        var name = qualifiedName[(dot + 1)..];
        var field = parent.GetType().GetField(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new ArgumentException($"module '{qualifiedName}' is not a replaceable field of {parent.GetType().Name}.");
        if (!field.FieldType.IsAssignableFrom(replacement.GetType()))
            throw new ArgumentException(
                $"module '{qualifiedName}' is declared as {field.FieldType.Name} and cannot hold a {replacement.GetType().Name}.");
        var old = field.GetValue(parent) as nn.Module<Tensor, Tensor>
            ?? throw new ArgumentException($"module '{qualifiedName}' is not a tensor-to-tensor module.");
        field.SetValue(parent, replacement);
        parent.register_module(name, null!);       // drops the old registration
        parent.register_module(name, replacement); // registers the new tree under the same name
        return old;
    }
}
