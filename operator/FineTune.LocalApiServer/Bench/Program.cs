using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.Api.Validation;
using FineTune.LocalApiServer;
using FineTune.LocalApiServer.Resources;
using k8s;
using k8s.Models;

// Usage: FineTune.LocalApiServer.Bench <crds dir> <examples dir> [jobs=500]
// What custom-resource validation costs the API server: validation alone (create, spec update, status update) per
// example manifest, then FineTuneJob creates and status patches through HTTP with a real client. JSON lines.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: FineTune.LocalApiServer.Bench <crds dir> <examples dir> [jobs]");
    return 2;
}
var crds = Path.GetFullPath(args[0]);
var examples = Path.GetFullPath(args[1]);
var jobs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;
const string ns = "bench";

var schema = CrdLoader.LoadFolder(crds).Single(c => c.Metadata.Name == FineTuneJobApi.CrdName).Spec.Versions[0].Schema.OpenAPIV3Schema;
var n = 0; // learning-rate counter: never the same value twice in the process
// Two passes, the first unreported: the JIT's tiering would otherwise be charged to whichever line runs first.
foreach (var (example, report) in new[] { "lora.yaml", "rlhf.yaml", "lora.yaml", "rlhf.yaml" }.Select((e, i) => (e, i >= 2)))
{
    var job = ManifestLoader.LoadFile(Path.Combine(examples, example)).Jobs.Single();
    var created = JsonNode.Parse(KubernetesJson.Serialize(job))!.AsObject();
    var withStatus = (JsonObject)created.DeepClone();
    withStatus["status"] = new JsonObject { ["phase"] = "Running", ["progress"] = new JsonObject { ["step"] = 10, ["totalSteps"] = 100, ["percent"] = 10 } };
    var specChanged = (JsonObject)created.DeepClone();
    specChanged["spec"]!["hyperparameters"]!["learningRate"] = 1e-4;
    Report(report, "validate", example, "create", Measure(() => CustomResourceValidation.Validate(schema, created)));
    // Every object different (a new learning rate each time): no remembered rule outcome for the spec fits.
    Report(report, "validate", example, "create-distinct", Measure(() =>
    {
        var distinct = (JsonObject)created.DeepClone();
        distinct["spec"]!["hyperparameters"] ??= new JsonObject();
        distinct["spec"]!["hyperparameters"]!["learningRate"] = 1e-4 + ++n * 1e-12;
        return CustomResourceValidation.Validate(schema, distinct);
    }));
    Report(report, "validate", example, "spec-update", Measure(() => CustomResourceValidation.Validate(schema, specChanged, created)));
    Report(report, "validate", example, "status-update", Measure(() => CustomResourceValidation.Validate(schema, withStatus, created)));
}

await using var server = await LocalKubeApiServer.StartAsync(new LocalApiServerOptions { CrdPaths = [crds] });
using var client = server.CreateClient();
server.Objects.Create(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } });
var template = ManifestLoader.LoadFile(Path.Combine(examples, "lora.yaml")).Jobs.Single();
const int parallel = 8;

foreach (var distinct in new[] { false, true })
{
    var createSeconds = await Timed(jobs, parallel, async i =>
    {
        var job = JsonNode.Parse(KubernetesJson.Serialize(template))!.AsObject();
        job["metadata"] = new JsonObject { ["name"] = $"job-{i}{(distinct ? "-d" : "")}", ["namespace"] = ns };
        if (distinct) job["spec"]!["hyperparameters"]!["learningRate"] = 1e-4 + i * 1e-12;
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(job, FineTuneJobApi.Group, FineTuneJobApi.Version, ns, FineTuneJobApi.Plural);
    });
    ReportHttp(distinct ? "create-distinct" : "create", jobs, createSeconds);
}

var statusSeconds = await Timed(jobs, parallel, async i =>
{
    var patch = new JsonObject { ["status"] = new JsonObject { ["phase"] = "Running", ["progress"] = new JsonObject { ["step"] = i + 1, ["totalSteps"] = 100 } } };
    await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
        FineTuneJobApi.Group, FineTuneJobApi.Version, ns, FineTuneJobApi.Plural, $"job-{i}");
});
ReportHttp("status-patch", jobs, statusSeconds);
if (server.InternalErrors.Count > 0)
{
    Console.Error.WriteLine($"the server failed internally: {server.InternalErrors.First()}");
    return 1;
}
return 0;

// Median CPU microseconds per call over several rounds, after a warm-up. CPU time, not wall time: on a shared machine
// the wait for a core is not the validator's cost.
static double Measure(Func<IReadOnlyList<ValidationError>> validate)
{
    var errors = validate();
    if (errors.Count > 0) throw new InvalidOperationException($"the example is invalid: {errors[0].Path}: {errors[0].Message}");
    for (var i = 0; i < 100; i++) validate(); // warm-up: let the JIT reach its optimised tier
    const int perRound = 200;
    var rounds = new List<double>();
    for (var round = 0; round < 7; round++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < perRound; i++) validate();
        rounds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / perRound);
    }
    rounds.Sort();
    return rounds[rounds.Count / 2];
}

static async Task<double> Timed(int count, int parallel, Func<int, Task> write)
{
    var next = -1;
    var stopwatch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count) await write(i);
    }));
    return stopwatch.Elapsed.TotalSeconds;
}

static void Report(bool report, string bench, string example, string write, double microseconds)
{
    if (!report) return;
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["bench"] = "apiserver-" + bench, ["example"] = example, ["write"] = write, ["cpu_us_per_validation"] = Math.Round(microseconds, 1),
    }));
}

static void ReportHttp(string write, int count, double seconds) =>
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["bench"] = "apiserver-http", ["write"] = write, ["count"] = count, ["seconds"] = Math.Round(seconds, 3),
        ["writes_per_second"] = Math.Round(count / seconds, 1),
    }));
