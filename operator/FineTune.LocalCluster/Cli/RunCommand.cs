using System.CommandLine;
using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.LocalCluster.Cluster;
using Microsoft.Extensions.Logging;

namespace FineTune.LocalCluster.Cli;

/// <summary>
/// <c>localcluster run MANIFEST</c>: starts the local cluster with the operator, applies the manifest's FineTuneJobs,
/// prints their status as it changes (like <c>kubectl get ftj -w</c>) until each has Succeeded or Failed, prints where
/// the outputs and pod logs are, and stops everything. Exit code 0 when every job succeeded, 1 otherwise, 2 for an
/// invalid manifest.
/// </summary>
public static class RunCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var manifest = new Argument<FileInfo>("manifest") { Description = "FineTuneJob manifest (YAML, one or more documents)" };
        var state = new Option<DirectoryInfo>("--state") { Description = "Directory for pod directories, logs and the kubeconfig", DefaultValueFactory = _ => new DirectoryInfo(".localcluster") };
        var commands = CommonOptions.Commands();
        var timeout = new Option<TimeSpan>("--timeout") { Description = "Give up after this long (e.g. 00:10:00)", DefaultValueFactory = _ => TimeSpan.FromMinutes(30) };
        var verbose = new Option<bool>("--verbose") { Description = "Show the operator's and the kubelet's logs" };
        var command = new Command("run", "Run FineTuneJobs on this machine: API server, operator and trainer processes, then stop") { manifest, state, commands, timeout, verbose };
        command.SetAction((parse, token) => RunAsync(parse.GetValue(manifest)!, parse.GetValue(state)!, CommonOptions.ParseCommands(parse.GetValue(commands)),
            parse.GetValue(timeout), parse.GetValue(verbose), token));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo manifest, DirectoryInfo state, IReadOnlyDictionary<string, IReadOnlyList<string>> commands,
        TimeSpan timeout, bool verbose, CancellationToken cancellationToken)
    {
        var loaded = ManifestLoader.LoadFile(manifest.FullName);
        if (!loaded.IsValid)
        {
            foreach (var error in loaded.Errors) Console.Error.WriteLine(error with { File = manifest.ToString() });
            return 2;
        }

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning));
        await using var cluster = await LocalCluster.Cluster.LocalCluster.StartAsync(new LocalClusterOptions
        {
            StateDirectory = state.FullName,
            Commands = commands,
            LoggerFactory = loggers,
        });
        Console.WriteLine($"local cluster up: API server {cluster.Server.Url} (kubectl --kubeconfig {cluster.KubeconfigPath}), pods in {Path.Combine(state.FullName, "pods")}");
        foreach (var job in loaded.Jobs)
        {
            await cluster.ApplyAsync(job, cancellationToken);
            Console.WriteLine($"finetunejob.finetune.dev/{job.Metadata.Name} created");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var finished = await StatusWatcher.WatchAsync(cluster, loaded.Jobs.Select(j => (j.Metadata.NamespaceProperty, j.Metadata.Name)).ToList(),
            Console.Out, deadline.Token);

        Console.WriteLine();
        var allSucceeded = true;
        foreach (var job in finished)
        {
            allSucceeded &= job.Status?.Phase == JobPhase.Succeeded;
            Report(cluster, job);
        }
        if (finished.Count < loaded.Jobs.Count)
        {
            Console.WriteLine(cancellationToken.IsCancellationRequested ? "interrupted: stopping the trainer processes" : $"timed out after {timeout}: stopping the trainer processes");
            return 1;
        }
        return allSucceeded ? 0 : 1;
    }

    private static void Report(Cluster.LocalCluster cluster, FineTuneJob job)
    {
        var ns = job.Metadata.NamespaceProperty;
        Console.WriteLine($"{job.Metadata.Name}: {job.Status?.Phase}");
        // A failed job says why on its Succeeded (or Ready) condition, set to False.
        var failed = job.Status?.Conditions?.Where(c => c.Status == ConditionStatus.False && !string.IsNullOrEmpty(c.Message))
            .OrderBy(c => c.Type == "Succeeded" ? 0 : 1).FirstOrDefault();
        if (job.Status?.Phase == JobPhase.Failed && failed is not null)
            Console.WriteLine($"  reason: {failed.Reason}: {failed.Message}");
        if (job.Status?.Outputs is { } outputs)
        {
            if (outputs.Adapter is { } adapter) Console.WriteLine($"  adapter: {adapter}");
            if (outputs.Merged is { } merged) Console.WriteLine($"  merged model: {merged}");
            if (outputs.Metrics is { } metrics) Console.WriteLine($"  metrics: {metrics}");
        }
        foreach (var pod in cluster.Server.Objects.List<k8s.Models.V1Pod>(ns, $"finetune.dev/job={job.Metadata.Name}"))
        {
            var directory = cluster.Kubelet.PodDirectory(ns, pod.Metadata.Name);
            var exit = pod.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Terminated?.ExitCode;
            Console.WriteLine($"  pod {pod.Metadata.Name} ({pod.Status?.Phase}{(exit is { } e ? $", exit code {e}" : "")}): log {Path.Combine(directory, "trainer.log")}");
        }
    }
}
