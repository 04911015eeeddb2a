namespace FineTune.Trainer.Storage;

/// <summary>Replaces known secret values in text with "***" before the text is shown or logged.</summary>
public sealed class SecretRedactor
{
    private readonly string[] _secrets;

    /// <summary>Creates a redactor for the given secret values (empty or very short values are ignored).</summary>
    public SecretRedactor(params string?[] secrets) =>
        _secrets = secrets.Where(s => !string.IsNullOrEmpty(s) && s.Length >= 4).Select(s => s!).Distinct().ToArray();

    /// <summary>A redactor that knows no secret.</summary>
    public static SecretRedactor None { get; } = new();

    /// <summary>The text with every secret replaced.</summary>
    public string Redact(string text)
    {
        foreach (var secret in _secrets)
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        return text;
    }
}
