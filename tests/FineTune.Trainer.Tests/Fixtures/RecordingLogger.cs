using Microsoft.Extensions.Logging;

namespace FineTune.Trainer.Tests.Fixtures;

/// <summary>A logger that keeps every formatted line, so tests can check what would reach the log.</summary>
public sealed class RecordingLogger : ILogger
{
    private readonly List<string> _lines = [];

    /// <summary>The lines logged so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return _lines.ToArray();
        }
    }

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}";
        lock (_lines) _lines.Add(line);
    }
}
