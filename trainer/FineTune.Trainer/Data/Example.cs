namespace FineTune.Trainer.Data;

/// <summary>
/// One training or validation example, ready to batch. Language-modelling formats (text, instruction, chat) fill
/// <see cref="Sequence"/>; classification adds <see cref="ClassLabel"/>; preference data holds the chosen answer in
/// <see cref="Sequence"/> and the rejected one in <see cref="Rejected"/>; prompt data holds the prompt with no targets.
/// </summary>
/// <param name="Sequence">The token sequence (for preference data: prompt + chosen answer).</param>
/// <param name="Line">1-based line of the record in its file (the first record's line for packed sequences).</param>
/// <param name="ClassLabel">Class id for classification data.</param>
/// <param name="Rejected">Prompt + rejected answer for preference data.</param>
/// <param name="PromptLength">Number of leading prompt tokens (preference and prompt data), e.g. to start generation.</param>
public sealed record Example(TokenSequence Sequence, long Line, int? ClassLabel = null, TokenSequence? Rejected = null, int PromptLength = 0);
