namespace FineTune.Trainer.Tokenization.Chat;

/// <summary>
/// A piece of a rendered conversation. Completion segments (an assistant's reply and its end marker) are what the
/// model is trained to produce; the rest is prompt and is masked out of the loss when completion-only loss is on.
/// </summary>
/// <param name="Text">The rendered text, markers included.</param>
/// <param name="IsCompletion">True for the assistant's reply and the marker that ends it.</param>
public sealed record ChatSegment(string Text, bool IsCompletion);
