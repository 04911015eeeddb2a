using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace FineTune.Trainer.Tests.Fixtures;

/// <summary>
/// A real Prometheus server (Debian package prometheus, installed by `make ci-deps`) on 127.0.0.1, scraping one
/// target every second, with its data in a temporary directory (deleted with the server).
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _output = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>The port of Prometheus' web API.</summary>
    public int Port { get; }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) at /metrics, keeping the target's labels.</summary>
    public static async Task<PrometheusServer> StartAsync(string target)
    {
        var executable = Promtool.Find("prometheus");
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("prometheus-").FullName;
            // honor_labels keeps the trainer's own job and namespace labels instead of renaming them exported_*.
            await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: trainer
                    honor_labels: true
                    static_configs:
                      - targets: ["{target}"]
                """);
            var port = FreePort.Next();
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add($"--config.file={Path.Combine(directory, "prometheus.yml")}");
            start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
            start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
            var process = new Process { StartInfo = start };
            var server = new PrometheusServer(process, directory, port);
            process.OutputDataReceived += (_, e) => server.Remember(e.Data);
            process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await server.WaitReadyAsync(TimeSpan.FromSeconds(20))) return server;
            var output = server.Output;
            await server.DisposeAsync();
            if (attempt >= 3) throw new InvalidOperationException($"prometheus did not become ready:\n{output}");
        }
    }

    /// <summary>Everything Prometheus printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// <summary>
    /// Evaluates <paramref name="query"/> through the HTTP query API until it returns a sample, and returns the
    /// samples' labels and values; empty when none appeared within <paramref name="timeout"/>.
    /// </summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryUntilPresentAsync(string query, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var url = $"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(query)}";
            using var document = JsonDocument.Parse(await _http.GetStringAsync(url));
            var results = document.RootElement.GetProperty("data").GetProperty("result");
            if (results.GetArrayLength() > 0)
                return results.EnumerateArray().Select(r => (
                    r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                    double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
            await Task.Delay(250); // poll interval: the first sample appears a few seconds after start
        }

        return [];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false); // Prometheus has no children; SIGKILL after the test is fine for a temp TSDB
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                using var response = await _http.GetAsync($"http://127.0.0.1:{Port}/-/ready");
                if (response.IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }
}
