using FineTune.Operator.Configuration;
using FineTune.Operator.Controllers;
using FineTune.Operator.Finalizers;
using FineTune.Operator.Metrics;
using FineTune.Operator.Reconciliation;
using FineTune.Operator.Runtime;
using FineTune.Operator.Scheduling;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace FineTune.Operator;

/// <summary>Registers the operator in a host: the control loop under leader election and everything it needs.</summary>
public static class OperatorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the operator. <paramref name="client"/> is the API server connection (null: from the options' kubeconfig,
    /// the in-cluster service account, or ~/.kube/config); <paramref name="registry"/> the metrics registry (null: the default one).
    /// </summary>
    public static IServiceCollection AddFineTuneOperator(this IServiceCollection services, Action<OperatorOptions> configure,
        IKubernetes? client = null, CollectorRegistry? registry = null)
    {
        services.AddOptions<OperatorOptions>().Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        if (client is not null)
            services.AddSingleton(client);
        else
            services.AddSingleton<IKubernetes>(sp => new Kubernetes(ClientConfiguration(sp.GetRequiredService<IOptions<OperatorOptions>>().Value)));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<OperatorOptions>>().Value);
        services.AddSingleton(_ => new OperatorMetrics(registry));
        services.AddSingleton<OperatorState>();
        services.AddSingleton<RunPlanner>();
        services.AddSingleton<AdmissionQueue>();
        services.AddSingleton<StorageCredentialsReader>();
        services.TryAddSingleton<IOutputCleaner, StorageOutputCleaner>();
        services.AddSingleton<EventRecorder>();
        services.AddSingleton<CleanupFinalizer>();
        services.AddSingleton<FineTuneJobController>();
        services.AddSingleton<ControlLoop>();
        services.AddHostedService<LeaderElectedService>();
        return services;
    }

    private static KubernetesClientConfiguration ClientConfiguration(OperatorOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiServerUrl))
            return new KubernetesClientConfiguration { Host = options.ApiServerUrl };
        if (!string.IsNullOrEmpty(options.Kubeconfig))
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig);
        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile();
    }
}
