using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FineTune.LocalCluster.Runner;

namespace FineTune.LocalCluster.Tests.Support;

/// <summary>
/// A real S3 server for the end-to-end tests: the npm package s3rver (installed by `make ci-deps` into .tools/s3rver,
/// its XML namespace fixed) on 127.0.0.1 and a port it picks, with its data in a temporary directory. Credentials are
/// s3rver's fixed pair.
/// </summary>
public sealed partial class S3rverServer : IAsyncDisposable
{
    /// <summary>The access key (and secret key) s3rver accepts.</summary>
    public const string Credential = "S3RVER";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private S3rverServer(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    /// <summary>Where s3rver keeps the objects (bucket/key...; deleted on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>The endpoint, e.g. http://127.0.0.1:41234.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>True when s3rver is installed where `make ci-deps` puts it.</summary>
    public static bool IsInstalled => Script() is not null;

    /// <summary>Starts s3rver with <paramref name="buckets"/> created.</summary>
    public static async Task<S3rverServer> StartAsync(params string[] buckets)
    {
        var script = Script() ?? throw new InvalidOperationException(
            $"s3rver is not installed in {Path.Combine(RepositoryPaths.Root, ".tools", "s3rver")}: run `make ci-deps` (or `make s3rver`)");
        var data = Directory.CreateTempSubdirectory("e2e-s3rver-").FullName;
        // --openssl-legacy-provider: s3rver encrypts list continuation tokens with DES, which Node's OpenSSL 3 refuses.
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--openssl-legacy-provider", script, "-d", data, "-a", "127.0.0.1", "-p", "0", "--silent" })
            start.ArgumentList.Add(argument);
        foreach (var bucket in buckets)
        {
            start.ArgumentList.Add("--configure-bucket");
            start.ArgumentList.Add(bucket);
        }
        var server = new S3rverServer(new Process { StartInfo = start, EnableRaisingEvents = true }, data);
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        server._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            server.Remember(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } m) listening.TrySetResult(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        };
        server._process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        server._process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"s3rver exited:\n{server.Output}"));
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            server.Endpoint = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Everything s3rver printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Keys under <paramref name="prefix"/> in <paramref name="bucket"/>, read from s3rver's data directory.</summary>
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                UnixSignals.Send(_process.Id, UnixSignals.Terminate);
                if (await Task.WhenAny(_process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(5))) is var _ && !_process.HasExited)
                    _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary directory.
        }
    }

    private static string? Script()
    {
        var script = Path.Combine(RepositoryPaths.Root, ".tools", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");
        return File.Exists(script) ? script : null;
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    [GeneratedRegex(@"S3rver listening on [^:\s]+:(\d+)")]
    private static partial Regex ListeningLine();
}
