using System.Text.Json;
using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Tokenization.Chat;

/// <summary>
/// Finds a model's own chat template among the supported ones, by the markers its tokenizer_config.json
/// <c>chat_template</c> (a Jinja template) uses, so chat datasets default to the format the model was tuned with.
/// </summary>
public static class ChatTemplateDetector
{
    /// <summary>The supported template the model directory's chat_template matches, or null when there is none or it is unknown.</summary>
    public static ChatTemplate? FromModelDirectory(string directory)
    {
        var path = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("chat_template", out var template)
                ? FromTemplateText(TemplateText(template))
                : null;
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The supported template whose markers <paramref name="jinja"/> uses, or null.</summary>
    public static ChatTemplate? FromTemplateText(string? jinja) => jinja switch
    {
        null => null,
        _ when jinja.Contains("<|start_header_id|>", StringComparison.Ordinal) => ChatTemplate.Llama3,
        _ when jinja.Contains("<|im_start|>", StringComparison.Ordinal) => ChatTemplate.Chatml,
        _ => null,
    };

    // chat_template is a string, or a list of {"name", "template"} of which "default" is the one used for chat.
    private static string? TemplateText(JsonElement template)
    {
        if (template.ValueKind == JsonValueKind.String) return template.GetString();
        if (template.ValueKind != JsonValueKind.Array) return null;
        string? first = null;
        foreach (var item in template.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("template", out var text) || text.ValueKind != JsonValueKind.String) continue;
            first ??= text.GetString();
            if (item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == "default") return text.GetString();
        }
        return first;
    }
}
