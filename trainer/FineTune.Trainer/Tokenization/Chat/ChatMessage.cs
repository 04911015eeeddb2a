namespace FineTune.Trainer.Tokenization.Chat;

/// <summary>One turn of a conversation: a role (system, user or assistant) and its text.</summary>
/// <param name="Role">system, user or assistant.</param>
/// <param name="Content">The turn's text.</param>
public sealed record ChatMessage(string Role, string Content);
