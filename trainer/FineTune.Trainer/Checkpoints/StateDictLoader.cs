using FineTune.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Checkpoints;

/// <summary>
/// Copies file tensors into a model's parameters by Hugging Face name, checking that every name and shape matches.
/// Unlike a non-strict load_state_dict, nothing is silently left unloaded: a missing, unexpected or mis-shaped tensor
/// is a <see cref="ModelFormatException"/> that names it.
/// </summary>
public static class StateDictLoader
{
    private const int ListedNames = 8;

    /// <summary>Loads <paramref name="tensors"/> (from <paramref name="source"/>) into <paramref name="model"/>.</summary>
    public static LoadReport Load(ILanguageModel model, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var expected = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        string basePrefix = expected.Keys.First().Split('.')[0] + ".";
        var assigned = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var ignored = new List<string>();
        var unexpected = new List<string>();

        foreach (var (fileName, tensor) in tensors)
        {
            var name = CheckpointNameRules.Normalize(fileName);
            if (!expected.ContainsKey(name) && expected.ContainsKey(basePrefix + name)) name = basePrefix + name;
            if (expected.ContainsKey(name)) assigned[name] = tensor;
            else if (CheckpointNameRules.IsIgnorable(fileName)) ignored.Add(fileName);
            else unexpected.Add(fileName);
        }

        var missing = expected.Keys.Where(n => !assigned.ContainsKey(n)).ToList();
        var fresh = missing.Where(n => CheckpointNameRules.MayStartFresh(model.Config.ModelType, n)).ToList();
        missing.RemoveAll(fresh.Contains);
        if (missing.Count > 0)
            throw new ModelFormatException(
                $"{source}: {missing.Count} tensor(s) the {model.Config.ModelType} model needs are missing: {List(missing)}" +
                (unexpected.Count > 0 ? $"; the file has instead: {List(unexpected)}." : "."));
        if (unexpected.Count > 0)
            throw new ModelFormatException(
                $"{source}: {unexpected.Count} tensor(s) do not belong to a {model.Config.ModelType} model with this config: {List(unexpected)}.");

        foreach (var (name, tensor) in assigned)
        {
            var parameter = expected[name];
            if (!parameter.shape.SequenceEqual(tensor.shape))
                throw new ModelFormatException(
                    $"{source}: tensor '{name}' has shape {Shape(tensor.shape)} in the file but the model built from " +
                    $"config.json expects {Shape(parameter.shape)}.");
        }

        using (no_grad())
        {
            foreach (var (name, tensor) in assigned) expected[name].copy_(tensor);
        }
        return new LoadReport(fresh, ignored);
    }

    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(ListedNames).Select(n => $"'{n}'")) +
        (names.Count > ListedNames ? $" and {names.Count - ListedNames} more" : "");

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
