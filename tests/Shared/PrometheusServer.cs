using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace FineTune.Testing;

/// <summary>
/// A real Prometheus server (Debian package prometheus, installed by `make ci-deps`) on 127.0.0.1 with its data in a
/// temporary directory, scraping fixed targets every 250 ms with honor_labels (the trainer's own namespace, job,
/// method and stage labels are kept). Series are read back through the HTTP query API.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>The port of Prometheus' web API.</summary>
    public int Port { get; }

    /// <summary>Everything Prometheus printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Starts Prometheus scraping one <c>host:port</c> target at /metrics (scrape job "trainer").</summary>
    public static Task<PrometheusServer> StartAsync(string target) =>
        StartAsync(new Dictionary<string, IReadOnlyList<string>> { ["trainer"] = [target] });

    /// <summary>Starts Prometheus scraping, for each scrape job name, its <c>host:port</c> targets at /metrics.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyDictionary<string, IReadOnlyList<string>> scrapeJobs)
    {
        var executable = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("prometheus is not installed: run `make ci-deps` (Debian package prometheus)");
        var config = new StringBuilder("global:\n  scrape_interval: 250ms\n  scrape_timeout: 200ms\nscrape_configs:\n");
        foreach (var (job, targets) in scrapeJobs)
        {
            config.Append(CultureInfo.InvariantCulture, $"  - job_name: {job}\n    honor_labels: true\n    static_configs:\n");
            config.Append(CultureInfo.InvariantCulture, $"      - targets: [{string.Join(", ", targets.Select(t => $"\"{t}\""))}]\n");
        }
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("e2e-prometheus-").FullName;
            await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), config.ToString());
            var port = FreePort();
            var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add($"--config.file={Path.Combine(directory, "prometheus.yml")}");
            start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
            start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
            var server = new PrometheusServer(new Process { StartInfo = start }, directory, port);
            server._process.OutputDataReceived += (_, e) => server.Remember(e.Data);
            server._process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
            server._process.Start();
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            if (await server.WaitReadyAsync(TimeSpan.FromSeconds(30))) return server;
            var output = server.Output;
            await server.DisposeAsync();
            // The port picked free may have been taken before Prometheus bound it: try another.
            if (attempt >= 3) throw new InvalidOperationException($"prometheus did not become ready:\n{output}");
        }
    }

    /// <summary>The samples of an instant query now: each with its labels and value.</summary>
    public async Task<IReadOnlyList<PrometheusSample>> QueryAsync(string query)
    {
        var url = $"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(query)}";
        using var document = JsonDocument.Parse(await _http.GetStringAsync(url));
        return document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => new PrometheusSample(
                r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>Repeats <paramref name="query"/> until it returns a sample; empty when none came within <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<PrometheusSample>> QueryUntilPresentAsync(string query, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var samples = await QueryAsync(query);
            if (samples.Count > 0 || clock.Elapsed > timeout) return samples;
            await Task.Delay(250); // one scrape interval
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(); // a temporary TSDB needs no clean shutdown
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary directory.
        }
    }

    private async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                using var response = await _http.GetAsync($"http://127.0.0.1:{Port}/-/ready");
                if (response.IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        return false;
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
