using System.Reflection;
using FineTune.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>
/// Finds submodules by their Hugging Face path and swaps one for a wrapper, the way PEFT injects its layers. The
/// parent's field is reassigned too, because the models call their submodules through fields, not the registry.
/// </summary>
public static class ModuleSurgery
{
    /// <summary>Every module of <paramref name="model"/> by its dotted path, in model order.</summary>
    public static IReadOnlyDictionary<string, nn.Module> Modules(ILanguageModel model) =>
        model.Module.named_modules().Where(m => m.name.Length > 0).ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);

    /// <summary>The module at <paramref name="path"/>.</summary>
    public static nn.Module Get(ILanguageModel model, string path) =>
        Modules(model).TryGetValue(path, out var module) ? module
            : throw new PeftException($"the {model.Config.ModelType} model has no module '{path}'.");

    /// <summary>Puts <paramref name="replacement"/> where the module at <paramref name="path"/> was.</summary>
    public static void Replace(ILanguageModel model, string path, nn.Module<Tensor, Tensor> replacement)
    {
        var dot = path.LastIndexOf('.');
        var parent = dot < 0 ? model.Module : Get(model, path[..dot]);
        var name = path[(dot + 1)..];
        var field = parent.GetType().GetField(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (field is null || !field.FieldType.IsInstanceOfType(replacement))
            throw new NotSupportedException(
                $"module '{path}' of the {model.Config.ModelType} model cannot be wrapped: its field in {parent.GetType().Name} " +
                $"is {(field is null ? "missing" : $"typed {field.FieldType.Name}")}; it must be typed nn.Module<Tensor, Tensor>.");
        ModuleReplacer.Replace(model.Module, path, (nn.Module<Tensor, Tensor>)replacement);
    }

    /// <summary>
    /// Adds <paramref name="module"/> as child <paramref name="name"/> of the root (prefix and prompt encoders), moved to
    /// the device and dtype of the model's parameters so it trains with them.
    /// </summary>
    public static void AddToRoot(ILanguageModel model, string name, nn.Module<Tensor, Tensor> module)
    {
        var anyParameter = model.Module.parameters().First();
        module.to(anyParameter.device).to(anyParameter.dtype);
        var existing = model.Module.named_children().FirstOrDefault(c => c.name == name).module;
        if (existing is not null) model.Module.register_module(name, null!);
        model.Module.register_module(name, module);
    }

    /// <summary>The root's child <paramref name="name"/> when it is a <typeparamref name="T"/>, else null.</summary>
    public static T? RootChild<T>(ILanguageModel model, string name) where T : nn.Module =>
        model.Module.named_children().FirstOrDefault(c => c.name == name).module as T;
}
