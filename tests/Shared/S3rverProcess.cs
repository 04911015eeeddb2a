using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace FineTune.Testing;

/// <summary>
/// A real S3 server for tests: the npm package s3rver (installed by `make ci-deps` into .tools/s3rver) on 127.0.0.1,
/// on a free port, with its data in a temporary directory. Stopped with SIGTERM, then killed; can be stopped and
/// started again on the same port to simulate an outage.
/// </summary>
public sealed partial class S3rverProcess : IAsyncDisposable
{
    /// <summary>The access key s3rver accepts.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>The secret key s3rver accepts.</summary>
    public const string SecretKey = "S3RVER";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string _script;
    private readonly string[] _buckets;
    private readonly List<string> _output = [];
    private Process? _process;

    private S3rverProcess(string script, string dataDirectory, string[] buckets)
    {
        _script = script;
        DataDirectory = dataDirectory;
        _buckets = buckets;
    }

    /// <summary>The server's data directory (deleted on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>The port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The endpoint, e.g. http://127.0.0.1:41234.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    /// <summary>Everything the server printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// <summary>Keys under <paramref name="prefix"/> in <paramref name="bucket"/>, read from the server's data directory.</summary>
    public IReadOnlyList<string> Keys(string bucket, string prefix)
    {
        // s3rver 3.x stores object KEY as the file KEY._S3rver_object, next to KEY._S3rver_metadata.json.
        const string suffix = "._S3rver_object";
        var root = Path.Combine(DataDirectory, bucket);
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateFiles(root, "*" + suffix, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/')[..^suffix.Length])
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Starts a server with the given buckets on a port the system picks.</summary>
    public static async Task<S3rverProcess> StartAsync(params string[] buckets)
    {
        var script = FindScript();
        var data = Directory.CreateTempSubdirectory("s3rver-").FullName;
        var server = new S3rverProcess(script, data, buckets);
        await server.StartOnAsync(0).ConfigureAwait(false);
        return server;
    }

    /// <summary>The s3rver command script, or an error telling how to install it.</summary>
    public static string FindScript()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("FINETUNE_S3RVER");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment)) return fromEnvironment;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, ".tools", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");
            if (File.Exists(candidate)) return candidate;
        }

        throw new InvalidOperationException(
            "the S3 test server s3rver is not installed (looked for .tools/s3rver/node_modules/s3rver/bin/s3rver.js above " +
            $"{AppContext.BaseDirectory}); run `make ci-deps` in the repository root");
    }

    /// <summary>Stops the server (SIGTERM, then kill after a few seconds); the port stays reserved for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            if (!process.HasExited)
            {
                _ = SendSignal(process.Id, SignalTerm);
                using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await process.WaitForExitAsync(graceful.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Starts the stopped server again on the same port with the same data.</summary>
    public Task StartAgainAsync() => StartOnAsync(Port);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartOnAsync(int port)
    {
        // A port picked by the system can race with another process, and the same port can still be held briefly after a
        // stop: an early exit of the child is retried.
        Exception? last = null;
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            try
            {
                await LaunchAsync(port).ConfigureAwait(false);
                return;
            }
            catch (S3rverExitedException error)
            {
                last = error;
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"s3rver did not start on port {port} after 5 attempts", last);
    }

    private async Task LaunchAsync(int port)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // s3rver encrypts list continuation tokens with DES, which Node's OpenSSL 3 refuses without the legacy
        // provider: listings past 1000 keys then fail with InternalError.
        foreach (var argument in new[] { "--openssl-legacy-provider", _script, "-d", DataDirectory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent" })
            start.ArgumentList.Add(argument);
        foreach (var bucket in _buckets)
        {
            start.ArgumentList.Add("--configure-bucket");
            start.ArgumentList.Add(bucket);
        }

        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        // Both pipes are drained asynchronously: a full pipe would block the server.
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Remember(e.Data);
            var match = ListeningLine().Match(e.Data);
            if (match.Success) listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) Remember(e.Data);
        };
        process.Exited += (_, _) => listening.TrySetException(new S3rverExitedException($"s3rver exited early:\n{Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            Port = await listening.Task.WaitAsync(StartTimeout).ConfigureAwait(false);
            _process = process;
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new InvalidOperationException($"s3rver printed no 'S3rver listening on' line within {StartTimeout.TotalSeconds} s:\n{Output}");
        }
        catch (S3rverExitedException)
        {
            process.Dispose();
            throw;
        }
    }

    private void Remember(string line)
    {
        lock (_output) _output.Add(line);
    }

    private const int SignalTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [GeneratedRegex(@"S3rver listening on [^:\s]+:(\d+)")]
    private static partial Regex ListeningLine();

    private sealed class S3rverExitedException(string message) : Exception(message);
}
