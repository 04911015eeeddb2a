using System.Text.Json;

namespace FineTune.Trainer.Data.Records;

/// <summary>Turns one JSON record of a dataset format into an <see cref="Example"/>.</summary>
public interface IRecordEncoder
{
    /// <summary>The record shape, as quoted in error messages (e.g. <c>{"text": "..."}</c>).</summary>
    string ExpectedShape { get; }

    /// <summary>Encodes <paramref name="record"/> (a JSON object) from line <paramref name="line"/>.</summary>
    /// <exception cref="RecordException">The record does not have the expected fields and types.</exception>
    Example Encode(JsonElement record, long line);
}
