namespace FineTune.Trainer.Tokenization;

/// <summary>
/// The tokenizer files of a model directory are missing, unsupported or malformed. The message names the directory
/// or file and what would be accepted; it is meant for the user, without a stack trace.
/// </summary>
public sealed class TokenizerLoadException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public TokenizerLoadException(string message) : base(message) { }

    /// <summary>Creates the exception with a user-facing message and the low-level cause.</summary>
    public TokenizerLoadException(string message, Exception inner) : base(message, inner) { }
}
