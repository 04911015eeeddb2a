namespace FineTune.Trainer.Data;

/// <summary>
/// A dataset cannot be used as given: a malformed or over-long record (naming the file and line), an empty file, or
/// an option that does not fit the format. The message is meant for the user, without a stack trace.
/// </summary>
public sealed class DatasetException : Exception
{
    /// <summary>A problem with a whole dataset or its options.</summary>
    public DatasetException(string message) : base(message) { }

    /// <summary>A problem with one record: the message reads "file:line: problem".</summary>
    public DatasetException(string file, long line, string problem) : base($"{file}:{line}: {problem}")
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>The dataset file, when the problem is in one record.</summary>
    public string? File { get; }

    /// <summary>The 1-based line of the record, when the problem is in one record.</summary>
    public long? Line { get; }

    /// <summary>What is wrong with the record and what was expected, without the location.</summary>
    public string? Problem { get; }
}
