using System.Text.Json;

namespace FineTune.Trainer.Data.Records;

/// <summary>
/// Maps the <c>label</c> of classification records to class ids. Integer labels are ids (checked against the number of
/// labels); string labels are names, mapped through the model's label2id when given, otherwise numbered in sorted
/// order of the names found in the training file. A file must not mix the two kinds.
/// </summary>
public sealed class ClassLabels(int? numLabels, IReadOnlyDictionary<string, int>? fixedIds)
{
    private readonly Dictionary<string, int> _discovered = new(StringComparer.Ordinal);
    private bool? _named;
    private bool _frozen;

    /// <summary>Class names by id once known (string labels), for the model's id2label.</summary>
    public IReadOnlyList<string>? Names { get; private set; }

    /// <summary>The class id of <paramref name="label"/>; discovered names get provisional ids until <see cref="Freeze"/>.</summary>
    public int Resolve(JsonElement label)
    {
        switch (label.ValueKind)
        {
            case JsonValueKind.Number:
                if (!label.TryGetInt32(out var id))
                    throw new RecordException($"field \"label\" is {JsonFields.Describe(label)}; expected an integer class id or a class name");
                Kind(named: false, label);
                if (numLabels is int n && (id < 0 || id >= n))
                    throw new RecordException($"field \"label\" is {id}; expected a class id from 0 to {n - 1} (model.numLabels is {n})");
                if (id < 0)
                    throw new RecordException($"field \"label\" is {id}; expected a class id of 0 or more");
                return id;
            case JsonValueKind.String:
                Kind(named: true, label);
                var name = label.GetString()!;
                if (fixedIds is not null)
                    return fixedIds.TryGetValue(name, out var known) ? known
                        : throw new RecordException($"field \"label\" is \"{name}\"; expected one of the model's labels: {string.Join(", ", fixedIds.Keys.Order(StringComparer.Ordinal))}");
                if (_discovered.TryGetValue(name, out var provisional)) return provisional;
                if (_frozen)
                    throw new RecordException($"field \"label\" is \"{name}\", which the training data does not have; expected one of {string.Join(", ", Names!)}");
                if (numLabels is int limit && _discovered.Count >= limit)
                    throw new RecordException($"field \"label\" is \"{name}\", class number {_discovered.Count + 1}, but model.numLabels is {limit}; expected one of {string.Join(", ", _discovered.Keys)}");
                _discovered[name] = _discovered.Count;
                return _discovered[name];
            default:
                throw new RecordException($"field \"label\" is {JsonFields.Describe(label)}; expected an integer class id or a class name");
        }
    }

    /// <summary>
    /// Ends discovery after the training file: names found get ids in sorted order, and <paramref name="examples"/>
    /// are renumbered from their provisional ids. Later files may only use known names.
    /// </summary>
    public List<Example> Freeze(List<Example> examples)
    {
        _frozen = true;
        if (fixedIds is not null) Names = [.. fixedIds.OrderBy(kv => kv.Value).Select(kv => kv.Key)];
        if (_discovered.Count == 0 || fixedIds is not null) return examples;
        var sorted = _discovered.Keys.Order(StringComparer.Ordinal).ToList();
        var renumber = _discovered.ToDictionary(kv => kv.Value, kv => sorted.IndexOf(kv.Key));
        _discovered.Clear();
        for (var i = 0; i < sorted.Count; i++) _discovered[sorted[i]] = i;
        Names = sorted;
        return [.. examples.Select(e => e.ClassLabel is int c ? e with { ClassLabel = renumber[c] } : e)];
    }

    private void Kind(bool named, JsonElement label)
    {
        _named ??= named;
        if (_named != named)
            throw new RecordException($"field \"label\" is {JsonFields.Describe(label)}, but earlier records use {(named ? "integer ids" : "class names")}; expected the same kind of label throughout");
    }
}
