using System.Text;

namespace FineTune.LocalCluster.Runner;

/// <summary>
/// A pod's log file: stdout and stderr lines in arrival order, flushed line by line so <c>tail -f</c> follows it,
/// as <c>kubectl logs</c> shows a container's output.
/// </summary>
public sealed class PodLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _sync = new();

    /// <summary>Opens (appending to) the log at <paramref name="path"/>.</summary>
    public PodLog(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false))
        {
            AutoFlush = true,
        };
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Raised after each line is written (for showing a pod's output live).</summary>
    public event Action<string>? LineWritten;

    /// <summary>Appends one line.</summary>
    public void Write(string line)
    {
        lock (_sync) _writer.WriteLine(line);
        LineWritten?.Invoke(line);
    }

    /// <summary>
    /// The end of the log at <paramref name="path"/>: at most <paramref name="maxLines"/> lines and
    /// <paramref name="maxBytes"/> bytes (the kubelet's FallbackToLogsOnError takes 80 lines, 2048 bytes).
    /// </summary>
    public static string Tail(string path, int maxLines = 80, int maxBytes = 2048)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var start = Math.Max(0, stream.Length - maxBytes);
        stream.Seek(start, SeekOrigin.Begin);
        var text = new StreamReader(stream, Encoding.UTF8).ReadToEnd();
        var lines = text.Split('\n', StringSplitOptions.None).ToList();
        if (start > 0 && lines.Count > 1) lines.RemoveAt(0); // a cut line
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return string.Join('\n', lines.TakeLast(maxLines));
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_sync) _writer.Dispose();
    }
}
