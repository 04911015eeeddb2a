using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Models;

/// <summary>A golden checkpoint written by Models/Reference/make_reference.py, with its inputs and expected logits.</summary>
internal sealed class ReferenceCase
{
    private readonly JsonObject _json;

    private ReferenceCase(string directory, JsonObject json)
    {
        Directory = directory;
        _json = json;
    }

    public string Directory { get; }

    public static ReferenceCase Load(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Models", "Reference", name);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "reference.json")))!.AsObject();
        return new ReferenceCase(dir, json);
    }

    public Tensor Ints(string field)
    {
        var rows = _json[field]!.AsArray();
        long[] flat = rows.SelectMany(r => r!.AsArray().Select(v => v!.GetValue<long>())).ToArray();
        return tensor(flat, ScalarType.Int64).view(rows.Count, -1);
    }

    public bool Has(string field) => _json[field] is not null;

    public Tensor ExpectedLogits()
    {
        var shape = _json["logits_shape"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
        var values = _json["logits"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        return tensor(values).view(shape);
    }
}
