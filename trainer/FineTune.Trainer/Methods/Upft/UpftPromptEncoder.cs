using System.Text.Json;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Records;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Tokenization.Chat;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// Reads the unlabeled prompts of spec.upft.promptsUri (<c>{"prompt": "..."}</c> per line) into the token sequence the
/// model answers. With a chat template (the model's own, found in its tokenizer_config.json) the prompt is one user
/// turn followed by the header of the assistant's reply, as Hugging Face's apply_chat_template with
/// add_generation_prompt renders it; without one it is the prompt text as it stands (plain continuation), framed like
/// every sequence of the model family (BOS where the family uses one). Prompt tokens are never targets.
/// </summary>
public sealed class UpftPromptEncoder(ITextTokenizer tokenizer, ChatTemplate? template) : IRecordEncoder
{
    /// <summary>The chat template prompts are rendered with; null for plain text.</summary>
    public ChatTemplate? Template { get; } = template;

    /// <inheritdoc />
    public string ExpectedShape => """{"prompt": "..."}""";

    /// <inheritdoc />
    public Example Encode(JsonElement record, long line)
    {
        var prompt = JsonFields.RequireString(record, "prompt", ExpectedShape);
        if (prompt.Length == 0) throw new RecordException("field \"prompt\" is empty; expected the question the model answers");
        var text = Template is { } chat
            ? ChatTemplateRenderer.RenderText(chat, [new ChatMessage("user", prompt)], addGenerationPrompt: true)
            : prompt;
        var sequence = new SequenceBuilder(tokenizer).Begin().Text(text, isTarget: false).End(endOfSequence: false);
        return new Example(sequence, line, PromptLength: sequence.Length);
    }

    /// <summary>
    /// The token that ends an answer: the template's end-of-turn marker when it is a single special token (chatml's
    /// &lt;|im_end|&gt;, llama3's &lt;|eot_id|&gt;), else the tokenizer's end-of-sequence token.
    /// </summary>
    public long? StopTokenId()
    {
        if (Template is { } chat && tokenizer.SpecialTokens.TryGetValue(ChatTemplateRenderer.EndOfTurn(chat), out var endOfTurn)) return endOfTurn;
        return tokenizer.EosId;
    }
}
