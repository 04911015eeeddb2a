namespace FineTune.Trainer.Methods.Peft;

/// <summary>A user error in an adapter's options or files; the message names the field or file, the value and what fits.</summary>
public sealed class PeftException : Exception
{
    /// <summary>Creates the error.</summary>
    public PeftException(string message) : base(message) { }

    /// <summary>Creates the error with its cause.</summary>
    public PeftException(string message, Exception inner) : base(message, inner) { }
}
