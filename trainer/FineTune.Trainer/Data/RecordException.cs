namespace FineTune.Trainer.Data;

/// <summary>
/// One record is malformed. Thrown by the record encoders, which do not know where the record came from; the dataset
/// reader adds the file and line (<see cref="DatasetException"/>) or skips and counts the line.
/// </summary>
public sealed class RecordException(string problem) : Exception(problem);
