using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Tokenization.Chat;

/// <summary>
/// Renders conversations with the chat templates of <see cref="ChatTemplate"/>:
/// <list type="bullet">
/// <item>chatml: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per turn (Qwen and many fine-tunes);</item>
/// <item>llama3: <c>&lt;|begin_of_text|&gt;</c>, then <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c> per turn;</item>
/// <item>plain: <c>Role: content\n</c> per turn, for models without special tokens.</item>
/// </list>
/// The output is split into segments so that only assistant replies (with their end marker) count as completion.
/// </summary>
public static class ChatTemplateRenderer
{
    /// <summary>The roles a message may have.</summary>
    public static IReadOnlyList<string> Roles { get; } = ["system", "user", "assistant"];

    /// <summary>The assistant role.</summary>
    public const string AssistantRole = "assistant";

    /// <summary>
    /// Renders <paramref name="messages"/>; with <paramref name="addGenerationPrompt"/> the header of a new assistant
    /// turn is appended, so that a model continues with its reply.
    /// </summary>
    /// <exception cref="ArgumentException">A message has a role outside <see cref="Roles"/>.</exception>
    public static IReadOnlyList<ChatSegment> Render(ChatTemplate template, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false)
    {
        var segments = new List<ChatSegment>();
        if (template == ChatTemplate.Llama3) segments.Add(new("<|begin_of_text|>", false));
        foreach (var message in messages)
        {
            if (!Roles.Contains(message.Role))
                throw new ArgumentException($"role \"{message.Role}\" is not one of {string.Join(", ", Roles)}", nameof(messages));
            var (header, end, trailer) = Markers(template, message.Role);
            var isReply = message.Role == AssistantRole;
            segments.Add(new(header, false));
            // The end marker belongs to the reply: the model must learn to emit it to stop.
            segments.Add(new(message.Content + end, isReply));
            if (trailer.Length > 0) segments.Add(new(trailer, false));
        }
        if (addGenerationPrompt) segments.Add(new(Markers(template, AssistantRole).Header, false));
        return Merge(segments);
    }

    /// <summary>The rendered conversation as one string.</summary>
    public static string RenderText(ChatTemplate template, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false) =>
        string.Concat(Render(template, messages, addGenerationPrompt).Select(s => s.Text));

    /// <summary>The text that ends an assistant turn in <paramref name="template"/> (a stop string for generation).</summary>
    public static string EndOfTurn(ChatTemplate template) => Markers(template, AssistantRole).End;

    private static (string Header, string End, string Trailer) Markers(ChatTemplate template, string role) => template switch
    {
        ChatTemplate.Chatml => ($"<|im_start|>{role}\n", "<|im_end|>", "\n"),
        ChatTemplate.Llama3 => ($"<|start_header_id|>{role}<|end_header_id|>\n\n", "<|eot_id|>", ""),
        ChatTemplate.Plain => ($"{char.ToUpperInvariant(role[0])}{role[1..]}: ", "\n", ""),
        _ => throw new ArgumentOutOfRangeException(nameof(template), template, "unknown chat template"),
    };

    // Adjacent segments of the same kind are joined so that tokenizing them together keeps merges across the seam.
    private static List<ChatSegment> Merge(List<ChatSegment> segments)
    {
        var merged = new List<ChatSegment>();
        foreach (var segment in segments.Where(s => s.Text.Length > 0))
        {
            if (merged.Count > 0 && merged[^1].IsCompletion == segment.IsCompletion)
                merged[^1] = merged[^1] with { Text = merged[^1].Text + segment.Text };
            else merged.Add(segment);
        }
        return merged;
    }
}
