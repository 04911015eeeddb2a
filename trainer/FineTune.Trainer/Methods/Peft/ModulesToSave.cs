using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>
/// Base modules trained in full next to an adapter and saved with it (a classification head, usually). Their base
/// values are kept aside on first use, so switching the adapter off restores the base outputs exactly and switching
/// it on brings the trained values back (PEFT keeps a copy of the original module for the same reason).
/// </summary>
public sealed class ModulesToSave(IReadOnlyList<string> patterns, string field)
{
    private readonly ModulePattern[] _patterns = patterns.Select(p => new ModulePattern(p)).ToArray();
    private Dictionary<string, Tensor>? _base;
    private Dictionary<string, Tensor>? _trained;

    /// <summary>The patterns as written.</summary>
    public IReadOnlyList<string> Patterns { get; } = patterns;

    /// <summary>Names of the parameters the patterns select; each pattern must select one.</summary>
    public IReadOnlyList<string> ParameterNames(ILanguageModel model, Func<string, bool> isAdapter)
    {
        var names = model.Module.named_parameters().Select(p => p.name).Where(n => !isAdapter(n)).ToArray();
        foreach (var pattern in _patterns)
            if (!names.Any(pattern.Matches))
                throw new PeftException(
                    $"{field}: '{pattern.Text}' matches no module of the {model.Config.ModelType} model; module names look like " +
                    $"{string.Join(", ", names.Select(n => n[..Math.Max(0, n.LastIndexOf('.'))]).Distinct().TakeLast(6))}.");
        return names.Where(n => _patterns.Any(p => p.Matches(n))).ToArray();
    }

    /// <summary>Keeps the base values of the selected parameters aside (once).</summary>
    public void Capture(ILanguageModel model, IReadOnlyList<string> names)
    {
        if (_base is not null || names.Count == 0) return;
        var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _base = names.ToDictionary(n => n, n => Keep(parameters[n]));
    }

    /// <summary>Swaps the base values in (off) or the trained values back (on).</summary>
    public void SetEnabled(ILanguageModel model, bool enabled)
    {
        if (_base is null) return;
        var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        if (!enabled && _trained is null)
        {
            _trained = _base.Keys.ToDictionary(n => n, n => Keep(parameters[n]));
            foreach (var (name, value) in _base) parameters[name].copy_(value);
        }
        else if (enabled && _trained is not null)
        {
            foreach (var (name, value) in _trained) { parameters[name].copy_(value); value.Dispose(); }
            _trained = null;
        }
    }

    private static Tensor Keep(Tensor parameter)
    {
        var copy = parameter.detach().clone();
        copy.DetachFromDisposeScope();
        return copy;
    }
}
