using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>
/// The one configuration shape of every adapter method: the contents of adapter_config.json. Common fields are
/// properties; the method's own fields (r, lora_alpha, num_virtual_tokens, ...) live in <see cref="Fields"/> under
/// their PEFT names and are read with the typed accessors, whose errors name the file and the field.
/// </summary>
public sealed class PeftConfig
{
    /// <summary>peft_type: LORA, PREFIX_TUNING, PROMPT_TUNING, BOTTLENECK.</summary>
    public required string PeftType { get; init; }

    /// <summary>task_type: CAUSAL_LM or SEQ_CLS.</summary>
    public required string TaskType { get; init; }

    /// <summary>The base model's model_type (our field base_model_type): an adapter refuses a base of another kind.</summary>
    public required string BaseModelType { get; init; }

    /// <summary>The method's own fields in PEFT names.</summary>
    public JsonObject Fields { get; init; } = new();

    /// <summary>Where the config was read from (for errors); "adapter config" when built in memory.</summary>
    public string Source { get; init; } = "adapter config";

    /// <summary>The config of <paramref name="method"/> applied to <paramref name="model"/> with the method's own fields.</summary>
    public static PeftConfig For(IPeftMethod method, ILanguageModel model, JsonObject fields) => new()
    {
        PeftType = method.PeftType,
        TaskType = model is ISequenceClassifier ? "SEQ_CLS" : "CAUSAL_LM",
        BaseModelType = model.Config.ModelType,
        Fields = fields,
    };

    /// <summary>Writes adapter_config.json into <paramref name="directory"/>.</summary>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var json = JsonNode.Parse(Fields.ToJsonString())!.AsObject();
        json["peft_type"] = PeftType;
        json["task_type"] = TaskType;
        json["base_model_type"] = BaseModelType;
        json["base_model_name_or_path"] ??= null;
        json["inference_mode"] = true;
        var ordered = new JsonObject(json.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        File.WriteAllText(Path.Combine(directory, AdapterFiles.Config),
            ordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads adapter_config.json of <paramref name="directory"/>.</summary>
    public static PeftConfig Read(string directory)
    {
        var path = Path.Combine(directory, AdapterFiles.Config);
        if (!File.Exists(path))
            throw new PeftException($"{path}: file not found; an adapter directory holds {AdapterFiles.Config} and {AdapterFiles.Weights}.");
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new PeftException($"{path}: line {e.LineNumber + 1}: not valid JSON ({e.Message}).", e); }
        if (node is not JsonObject json) throw new PeftException($"{path}: expected a JSON object.");
        string Required(string field) => json[field] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0
            ? s
            : throw new PeftException($"{path}: field '{field}' is missing or not a string.");
        var peftType = Required("peft_type");
        return new PeftConfig
        {
            PeftType = peftType,
            TaskType = json["task_type"] is JsonValue t && t.TryGetValue<string>(out var task) ? task : "CAUSAL_LM",
            BaseModelType = Required("base_model_type"),
            Fields = json,
            Source = path,
        };
    }

    /// <summary>An integer field.</summary>
    public int Int(string field, int? fallback = null) => Value(field, fallback, (JsonValue v, out int x) => v.TryGetValue(out x), "an integer");

    /// <summary>A number field.</summary>
    public double Double(string field, double? fallback = null) =>
        Value(field, fallback, (JsonValue v, out double x) => v.TryGetValue(out x), "a number");

    /// <summary>A boolean field.</summary>
    public bool Bool(string field, bool? fallback = null) => Value(field, fallback, (JsonValue v, out bool x) => v.TryGetValue(out x), "true or false");

    /// <summary>A string field.</summary>
    public string String(string field, string? fallback = null) =>
        Value(field, fallback, (JsonValue v, out string x) => v.TryGetValue(out x!), "a string");

    /// <summary>A list of strings (null or absent: empty).</summary>
    public IReadOnlyList<string> StringList(string field)
    {
        var node = Fields[field];
        if (node is null) return [];
        if (node is JsonArray array && array.All(i => i is JsonValue v && v.TryGetValue<string>(out _)))
            return array.Select(i => i!.GetValue<string>()).ToArray();
        throw new PeftException($"{Source}: field '{field}' is {node.ToJsonString()}; expected a list of strings.");
    }

    private delegate bool TryRead<T>(JsonValue value, out T result);

    private T Value<T>(string field, T? fallback, TryRead<T> read, string expected) where T : struct =>
        Fields[field] switch
        {
            null when fallback is { } f => f,
            JsonValue v when read(v, out var x) => x,
            var other => throw new PeftException($"{Source}: field '{field}' is {other?.ToJsonString() ?? "missing"}; expected {expected}."),
        };

    private string Value(string field, string? fallback, TryRead<string> read, string expected) =>
        Fields[field] switch
        {
            null when fallback is not null => fallback,
            JsonValue v when read(v, out var x) => x,
            var other => throw new PeftException($"{Source}: field '{field}' is {other?.ToJsonString() ?? "missing"}; expected {expected}."),
        };
}
