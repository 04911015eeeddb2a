using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FineTune.Api.V1Alpha1;
using FineTune.LocalApiServer;
using k8s;
using k8s.Models;

// Usage: FineTune.Operator.Bench <operator dll> <crds dir> [jobs=1000]
// Starts the in-process API server, runs the operator as a separate process against it (so its RSS is its own),
// creates the FineTuneJobs at once and measures until every one has its first batch/v1 Job.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: FineTune.Operator.Bench <FineTune.Operator.dll> <crds dir> [jobs]");
    return 2;
}
var operatorDll = Path.GetFullPath(args[0]);
var crds = Path.GetFullPath(args[1]);
var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
const string ns = "bench";

await using var server = await LocalKubeApiServer.StartAsync(new LocalApiServerOptions { CrdPaths = [crds] });
using var client = server.CreateClient();
server.Objects.Create(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } });
server.Objects.Create(new V1Secret
{
    ApiVersion = "v1", Kind = "Secret",
    Metadata = new V1ObjectMeta { Name = "minio-credentials", NamespaceProperty = ns },
    StringData = new Dictionary<string, string> { ["accessKey"] = "a", ["secretKey"] = "b" },
});

var metricsPort = FreePort();
var operatorProcess = Process.Start(new ProcessStartInfo("dotnet")
{
    ArgumentList =
    {
        operatorDll, "--urls", $"http://127.0.0.1:{metricsPort}", "--Operator:ApiServerUrl", server.Url,
        "--Operator:WatchNamespace", ns, "--Operator:LeaderElection:Enabled", "false", "--Logging:LogLevel:Default", "Warning",
    },
    RedirectStandardOutput = true,
    RedirectStandardError = true,
})!;
operatorProcess.OutputDataReceived += (_, _) => { };
operatorProcess.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"operator: {e.Data}"); };
operatorProcess.BeginOutputReadLine();
operatorProcess.BeginErrorReadLine();
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
try
{
    await WaitUntil(async () => (await Get(http, $"http://127.0.0.1:{metricsPort}/readyz")).StartsWith("ok"), TimeSpan.FromSeconds(60), "the operator to be ready");

    var jobsSeen = new HashSet<string>();
    var allJobs = new TaskCompletionSource();
    var stopwatch = Stopwatch.StartNew();
    var startReconciles = ReadCounter(await Scrape(http, $"http://127.0.0.1:{metricsPort}/metrics"), "finetune_operator_reconciles_total");
    using var watchCts = new CancellationTokenSource();
#pragma warning disable CS0618 // the typed watch helper is the one that takes a resourceVersion and timeout
    var watch = Task.Run(async () =>
    {
        var responses = client.BatchV1.ListNamespacedJobWithHttpMessagesAsync(ns, watch: true, timeoutSeconds: 600, cancellationToken: watchCts.Token);
        await foreach (var (_, job) in responses.WatchAsync<V1Job, V1JobList>(_ => { }, watchCts.Token))
            if (job.Metadata.Labels?.TryGetValue("finetune.dev/job", out var owner) == true && jobsSeen.Add(owner) && jobsSeen.Count == count)
                allJobs.TrySetResult();
    });
#pragma warning restore CS0618

    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(Job($"bench-{i:D4}"), FineTuneJobApi.Group, FineTuneJobApi.Version, ns,
            FineTuneJobApi.Plural, cancellationToken: ct));
    var created = stopwatch.Elapsed;
    await allJobs.Task.WaitAsync(TimeSpan.FromSeconds(120));
    var elapsed = stopwatch.Elapsed;
    await watchCts.CancelAsync();

    var metrics = await Scrape(http, $"http://127.0.0.1:{metricsPort}/metrics");
    var reconciles = ReadCounter(metrics, "finetune_operator_reconciles_total") - startReconciles;
    var buckets = ReadBuckets(metrics, "finetune_operator_reconcile_duration_seconds_bucket");
    var peakRss = PeakRssBytes(operatorProcess.Id);
    Print(new { metric = "operator_jobs_to_first_job", jobs = count, seconds = Math.Round(elapsed.TotalSeconds, 2), create_seconds = Math.Round(created.TotalSeconds, 2), target_seconds = 15 });
    Print(new { metric = "operator_reconciles_per_second", value = Math.Round(reconciles / elapsed.TotalSeconds, 1), reconciles, target = 200 });
    Print(new { metric = "operator_reconcile_latency_seconds", p50_le = Quantile(buckets, 0.5), p99_le = Quantile(buckets, 0.99), note = "upper bucket bounds of the operator's histogram" });
    Print(new { metric = "operator_peak_rss_mb", value = Math.Round(peakRss / 1048576.0, 1), target = 200 });
    return 0;
}
finally
{
    if (!operatorProcess.HasExited)
    {
        operatorProcess.Kill(entireProcessTree: true);
        await operatorProcess.WaitForExitAsync();
    }
}

static FineTuneJob Job(string name) => new()
{
    Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "bench" },
    Spec = new FineTuneJobSpec
    {
        Method = FineTuneMethod.Lora,
        Model = new ModelSpec { Uri = "s3://models/gpt2-small/" },
        Dataset = new DatasetSpec { Uri = "s3://datasets/support/train.jsonl", Format = DatasetFormat.Instruction },
        Output = new OutputSpec { Uri = $"s3://runs/{name}/" },
        Storage = new StorageSpec { Endpoint = "http://minio.minio.svc:9000", CredentialsSecret = "minio-credentials" },
        Lora = new LoraOptions(),
    },
};

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

// A busy operator may answer late: a request that fails or runs into the client's timeout counts as "not yet".
static async Task<string> Get(HttpClient http, string url)
{
    try
    {
        return await http.GetStringAsync(url);
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
    {
        return "";
    }
}

// The metrics must be read, not guessed: retried for up to a minute, then the run fails.
static async Task<string> Scrape(HttpClient http, string url)
{
    var text = "";
    await WaitUntil(async () => (text = await Get(http, url)).Length > 0, TimeSpan.FromSeconds(60), $"an answer from {url}");
    return text;
}

static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string what)
{
    var deadline = DateTime.UtcNow + timeout;
    while (!await condition())
    {
        if (DateTime.UtcNow > deadline)
            throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for {what}");
        await Task.Delay(100);
    }
}

static double ReadCounter(string exposition, string name) => exposition.Split('\n')
    .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
    .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

static List<(double Le, double Count)> ReadBuckets(string exposition, string name) => exposition.Split('\n')
    .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal))
    .Select(l =>
    {
        var le = l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
        le = le[..le.IndexOf('"')];
        return (le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture),
            double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }).OrderBy(b => b.Item1).ToList();

static double Quantile(List<(double Le, double Count)> buckets, double q)
{
    var total = buckets.Count == 0 ? 0 : buckets[^1].Count;
    return buckets.FirstOrDefault(b => b.Count >= q * total).Le;
}

static long PeakRssBytes(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}

static void Print(object value) => Console.WriteLine(JsonSerializer.Serialize(value));
