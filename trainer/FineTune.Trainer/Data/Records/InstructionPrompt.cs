namespace FineTune.Trainer.Data.Records;

/// <summary>
/// The prompt of instruction (Alpaca) records, in Alpaca's section layout without its long preamble sentence, which
/// would cost tiny models many tokens per example and teach nothing:
/// <code>
/// ### Instruction:
/// {instruction}
///
/// ### Input:        (only when the input is not empty)
/// {input}
///
/// ### Response:
/// </code>
/// The response follows the final line break.
/// </summary>
public static class InstructionPrompt
{
    /// <summary>The prompt for <paramref name="instruction"/> and optional <paramref name="input"/>.</summary>
    public static string Format(string instruction, string? input) =>
        string.IsNullOrEmpty(input)
            ? $"### Instruction:\n{instruction}\n\n### Response:\n"
            : $"### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n";
}
