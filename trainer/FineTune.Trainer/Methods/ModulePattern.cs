using System.Text.RegularExpressions;

namespace FineTune.Trainer.Methods;

/// <summary>
/// A module name or wildcard pattern from a spec (frozen.trainableModules, lora.targetModules). It matches a
/// parameter when it matches a whole dot-separated run of the parameter's module path ending at a module: "c_attn"
/// matches "transformer.h.0.attn.c_attn.weight", "h.*.ln_*" matches "transformer.h.3.ln_2.bias". A "*" stands for
/// any characters inside one name component, never across a dot, so "h.*.mlp" cannot leak into other layers' names.
/// </summary>
public sealed class ModulePattern
{
    private readonly Regex _regex;

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    public ModulePattern(string pattern)
    {
        Text = pattern;
        var body = string.Join("[^.]*", pattern.Split('*').Select(Regex.Escape));
        _regex = new Regex($"^(?:.*\\.)?{body}(?:\\..*)?$", RegexOptions.CultureInvariant);
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>True when the parameter (or module) named <paramref name="name"/> is matched.</summary>
    public bool Matches(string name) => _regex.IsMatch(name);
}
