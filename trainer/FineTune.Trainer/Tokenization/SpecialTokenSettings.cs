using System.Text.Json;

namespace FineTune.Trainer.Tokenization;

/// <summary>
/// The special-token settings a Hugging Face model directory spreads over tokenizer_config.json,
/// special_tokens_map.json and config.json: token texts, ids from the model config, and whether a BOS token is added.
/// </summary>
public sealed class SpecialTokenSettings
{
    /// <summary>Beginning-of-sequence token text.</summary>
    public string? BosToken { get; private set; }

    /// <summary>End-of-sequence token text.</summary>
    public string? EosToken { get; private set; }

    /// <summary>Padding token text.</summary>
    public string? PadToken { get; private set; }

    /// <summary>Unknown-token text.</summary>
    public string? UnkToken { get; private set; }

    /// <summary>bos_token_id from config.json.</summary>
    public int? BosId { get; private set; }

    /// <summary>eos_token_id from config.json (the first one when it is a list).</summary>
    public int? EosId { get; private set; }

    /// <summary>pad_token_id from config.json.</summary>
    public int? PadId { get; private set; }

    /// <summary>add_bos_token from tokenizer_config.json, when set.</summary>
    public bool? AddBosToken { get; private set; }

    /// <summary>do_lower_case from tokenizer_config.json (BERT), when set.</summary>
    public bool? DoLowerCase { get; private set; }

    /// <summary>model_type from config.json, when present.</summary>
    public string? ModelType { get; private set; }

    /// <summary>Special tokens listed in tokenizer_config.json's added_tokens_decoder.</summary>
    public Dictionary<string, int> AddedSpecialTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads whatever of the three files exists in <paramref name="directory"/>.</summary>
    public static SpecialTokenSettings Read(string directory)
    {
        var settings = new SpecialTokenSettings();
        // special_tokens_map.json first so that tokenizer_config.json, the newer file, wins where both say something.
        foreach (var name in new[] { "special_tokens_map.json", "tokenizer_config.json" })
        {
            var root = TryParse(Path.Combine(directory, name));
            if (root is not { ValueKind: JsonValueKind.Object } obj) continue;
            settings.BosToken = TokenText(obj, "bos_token") ?? settings.BosToken;
            settings.EosToken = TokenText(obj, "eos_token") ?? settings.EosToken;
            settings.PadToken = TokenText(obj, "pad_token") ?? settings.PadToken;
            settings.UnkToken = TokenText(obj, "unk_token") ?? settings.UnkToken;
            if (obj.TryGetProperty("add_bos_token", out var addBos) && addBos.ValueKind is JsonValueKind.True or JsonValueKind.False)
                settings.AddBosToken = addBos.GetBoolean();
            if (obj.TryGetProperty("do_lower_case", out var lower) && lower.ValueKind is JsonValueKind.True or JsonValueKind.False)
                settings.DoLowerCase = lower.GetBoolean();
            if (obj.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
                foreach (var entry in decoder.EnumerateObject())
                    if (int.TryParse(entry.Name, out var id) && entry.Value.ValueKind == JsonValueKind.Object
                        && entry.Value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                        && (!entry.Value.TryGetProperty("special", out var special) || special.ValueKind != JsonValueKind.False))
                        settings.AddedSpecialTokens[content.GetString()!] = id;
        }

        if (TryParse(Path.Combine(directory, "config.json")) is { ValueKind: JsonValueKind.Object } config)
        {
            settings.BosId = TokenId(config, "bos_token_id");
            settings.EosId = TokenId(config, "eos_token_id");
            settings.PadId = TokenId(config, "pad_token_id");
            if (config.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String)
                settings.ModelType = type.GetString();
        }
        return settings;
    }

    private static JsonElement? TryParse(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    // A token is written either as a string or as an AddedToken object {"content": "...", ...}.
    private static string? TokenText(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => null,
        };
    }

    private static int? TokenId(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var id)) return id;
        if (value.ValueKind == JsonValueKind.Array)
            foreach (var item in value.EnumerateArray())
                if (item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var first)) return first;
        return null;
    }
}
