namespace FineTune.Api.Validation;

/// <summary>
/// One problem found in a manifest: the field path (<c>spec.lora.rank</c>), what is wrong and what is accepted, and,
/// when the manifest came from a file, where in it.
/// </summary>
/// <param name="Path">Dotted field path with list indexes, e.g. <c>spec.rlhf.stages[1].dataset.format</c>.</param>
/// <param name="Message">What is wrong and what would be accepted, e.g. <c>must be between 1 and 1024, got 0</c>.</param>
public sealed record ValidationError(string Path, string Message)
{
    /// <summary>File the manifest was read from, when known.</summary>
    public string? File { get; init; }

    /// <summary>1-based line in <see cref="File"/>, when known.</summary>
    public int? Line { get; init; }

    /// <summary>1-based column in <see cref="File"/>, when known.</summary>
    public int? Column { get; init; }

    /// <summary><c>file:line:column: path: message</c>, leaving out what is unknown.</summary>
    public override string ToString()
    {
        var location = File is null ? "" : Line is null ? $"{File}: " : $"{File}:{Line}:{Column}: ";
        var path = string.IsNullOrEmpty(Path) ? "" : $"{Path}: ";
        return location + path + Message;
    }
}
