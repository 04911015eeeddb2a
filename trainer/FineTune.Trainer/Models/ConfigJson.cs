using System.Text.Json.Nodes;

namespace FineTune.Trainer.Models;

/// <summary>Typed reads of Hugging Face config.json fields with errors that name the file, field and value.</summary>
internal sealed class ConfigJson
{
    private readonly JsonObject _json;
    private readonly string _source;

    public ConfigJson(JsonObject json, string source)
    {
        _json = json;
        _source = source;
    }

    public bool Has(string name) => _json[name] is not null;

    public int Int(string name, int? fallback = null)
    {
        var node = _json[name];
        if (node is null) return fallback ?? throw Missing(name, "an integer");
        try { return node.GetValue<int>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        { throw Invalid(name, node, "an integer"); }
    }

    public int? OptionalInt(string name) => _json[name] is null ? null : Int(name);

    public double Double(string name, double fallback)
    {
        var node = _json[name];
        if (node is null) return fallback;
        try { return node.GetValue<double>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        { throw Invalid(name, node, "a number"); }
    }

    public bool Bool(string name, bool fallback)
    {
        var node = _json[name];
        if (node is null) return fallback;
        try { return node.GetValue<bool>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        { throw Invalid(name, node, "true or false"); }
    }

    public string String(string name, string fallback)
    {
        var node = _json[name];
        if (node is null) return fallback;
        try { return node.GetValue<string>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        { throw Invalid(name, node, "a string"); }
    }

    public JsonNode? Node(string name) => _json[name];

    public ModelFormatException Invalid(string name, JsonNode? value, string accepted) =>
        new($"{_source}: field '{name}' has value {value?.ToJsonString() ?? "null"}; expected {accepted}.");

    private ModelFormatException Missing(string name, string accepted) =>
        new($"{_source}: required field '{name}' is missing; expected {accepted}.");
}
