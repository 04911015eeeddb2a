using System.Globalization;
using FineTune.Api.Contract;
using FineTune.LocalApiServer.Storage;
using k8s.Models;

namespace FineTune.LocalCluster.Runner;

/// <summary>
/// Turns a pod into a <see cref="PodLaunch"/>: materializes its volumes into the pod directory, resolves its
/// environment, rewrites paths under its mounts in arguments and environment, maps its command to a local program,
/// gives it its own metrics port and keeps LD_PRELOAD only for libraries that exist here.
/// </summary>
public sealed class PodLaunchBuilder(ObjectAccess objects, LocalKubeletOptions options)
{
    private readonly VolumeMaterializer _volumes = new(objects);
    private readonly EnvironmentResolver _environment = new(objects);

    /// <summary>The pod's own directory.</summary>
    public string PodDirectory(string ns, string podName) => Path.Combine(options.PodsDirectory, ns, podName);

    /// <summary>
    /// Builds the launch of the pod's first container (a training pod has one). Throws
    /// <see cref="PodConfigurationException"/> while a referenced object is missing and
    /// <see cref="PodSpecNotSupportedException"/> for what a local process cannot do.
    /// </summary>
    public PodLaunch Build(V1Pod pod)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var container = pod.Spec?.Containers?.FirstOrDefault()
            ?? throw new PodSpecNotSupportedException("spec.containers: the pod has no container to run");
        if (container.Command is not { Count: > 0 })
            throw new PodSpecNotSupportedException(
                $"spec.containers[{container.Name}].command: the local runner has no image entrypoint to fall back on; give the command");

        var podDirectory = PodDirectory(ns, pod.Metadata.Name);
        Directory.CreateDirectory(podDirectory);
        var mounts = _volumes.Materialize(pod, container, podDirectory);
        var env = _environment.Resolve(pod, container);

        var words = container.Command.Concat(container.Args ?? []).Select(w => mounts.Map(EnvironmentResolver.Expand(w, env))).ToList();
        foreach (var key in env.Keys.ToList()) env[key] = mounts.Map(env[key]);

        int? metricsPort = null;
        if (env.ContainsKey(TrainerEnvironment.MetricsPort))
        {
            metricsPort = options.MetricsPortAllocator();
            env[TrainerEnvironment.MetricsPort] = metricsPort.Value.ToString(CultureInfo.InvariantCulture);
        }
        if (env.TryGetValue(TrainerEnvironment.LdPreload, out var preload))
        {
            var kept = LocalPreload(preload);
            if (kept.Length == 0) env.Remove(TrainerEnvironment.LdPreload);
            else env[TrainerEnvironment.LdPreload] = kept;
        }
        if (options.ApiServerUrl is { } url && !env.ContainsKey("KUBECONFIG"))
            env["KUBECONFIG"] = Kubeconfig.Write(Path.Combine(podDirectory, "kubeconfig"), url, ns);
        foreach (var name in options.InheritedVariables)
            if (!env.ContainsKey(name) && Environment.GetEnvironmentVariable(name) is { } value)
                env[name] = value;

        var program = options.Commands.TryGetValue(words[0], out var mapped) && mapped.Count > 0 ? mapped : [words[0]];
        var workingDirectory = container.WorkingDir is { Length: > 0 } dir && mounts.Map(dir) is var local && local != dir
            ? local
            : options.WorkingDirectory;
        var grace = TimeSpan.FromSeconds(pod.Spec!.TerminationGracePeriodSeconds ?? 30);
        return new PodLaunch(
            ns, pod.Metadata.Name, pod.Metadata.Uid, container.Name,
            program[0], program.Skip(1).Concat(words.Skip(1)).ToList(), env, workingDirectory,
            podDirectory, Path.Combine(podDirectory, container.Name + ".log"), metricsPort,
            grace < options.MaxGracePeriod ? grace : options.MaxGracePeriod);
    }

    /// <summary>
    /// The LD_PRELOAD entries that exist on this machine; a tcmalloc entry that does not is replaced by a tcmalloc
    /// found here (distributions put it in different places), a missing library would make every start print an error.
    /// </summary>
    private string LocalPreload(string preload)
    {
        var tcmalloc = options.TcmallocCandidates.FirstOrDefault(File.Exists);
        var entries = preload.Split([':', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Select(e => File.Exists(e) ? e : e.Contains("tcmalloc", StringComparison.Ordinal) ? tcmalloc : null)
            .OfType<string>()
            .Distinct();
        return string.Join(':', entries);
    }
}
