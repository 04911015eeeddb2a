namespace FineTune.Trainer.Models;

/// <summary>
/// A model directory, config or weight file that cannot be used as given (missing file, unsupported model_type,
/// tensor name or shape mismatch). The message names the file or tensor, the value found and what is accepted, and is
/// meant to be shown to the user as is, without a stack trace.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the error with a user-facing message.</summary>
    public ModelFormatException(string message) : base(message) { }

    /// <summary>Creates the error with a user-facing message and the low-level cause.</summary>
    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}
