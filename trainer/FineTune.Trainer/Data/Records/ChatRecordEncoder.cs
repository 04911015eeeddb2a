using System.Text.Json;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Tokenization.Chat;

namespace FineTune.Trainer.Data.Records;

/// <summary>
/// Chat records <c>{"messages": [{"role", "content"}, ...]}</c> rendered with a chat template: assistant replies (with
/// their end-of-turn marker) are targets, everything else is context under completion-only loss.
/// </summary>
public sealed class ChatRecordEncoder(ITextTokenizer tokenizer, ChatTemplate template, bool completionOnlyLoss) : IRecordEncoder
{
    /// <inheritdoc />
    public string ExpectedShape => """{"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}""";

    /// <inheritdoc />
    public Example Encode(JsonElement record, long line)
    {
        var messages = ReadMessages(record);
        var builder = new SequenceBuilder(tokenizer).Begin();
        foreach (var segment in ChatTemplateRenderer.Render(template, messages))
            builder.Text(segment.Text, isTarget: segment.IsCompletion || !completionOnlyLoss);
        return new Example(builder.End(endOfSequence: true), line);
    }

    private List<ChatMessage> ReadMessages(JsonElement record)
    {
        if (!record.TryGetProperty("messages", out var list) || list.ValueKind == JsonValueKind.Null)
            throw new RecordException($"missing field \"messages\"; expected {ExpectedShape}");
        if (list.ValueKind != JsonValueKind.Array)
            throw new RecordException($"field \"messages\" is {JsonFields.Describe(list)}; expected an array of {{\"role\", \"content\"}} objects");
        var messages = new List<ChatMessage>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
                throw new RecordException($"messages[{index}] is {JsonFields.Describe(item)}; expected an object {{\"role\", \"content\"}}");
            var role = Field(item, index, "role");
            if (!ChatTemplateRenderer.Roles.Contains(role))
                throw new RecordException($"messages[{index}].role is \"{role}\"; expected one of {string.Join(", ", ChatTemplateRenderer.Roles)}");
            messages.Add(new ChatMessage(role, Field(item, index, "content")));
            index++;
        }
        if (!messages.Any(m => m.Role == ChatTemplateRenderer.AssistantRole))
            throw new RecordException("no message has role \"assistant\"; expected at least one assistant reply to learn");
        return messages;
    }

    private static string Field(JsonElement message, int index, string name)
    {
        if (!message.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw new RecordException($"messages[{index}] has no \"{name}\"; expected a string");
        if (value.ValueKind != JsonValueKind.String)
            throw new RecordException($"messages[{index}].{name} is {JsonFields.Describe(value)}; expected a string");
        return value.GetString()!;
    }
}
