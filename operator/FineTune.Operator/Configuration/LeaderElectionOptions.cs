namespace FineTune.Operator.Configuration;

/// <summary>How replicas of the operator agree on the one that reconciles (a coordination.k8s.io Lease).</summary>
public sealed class LeaderElectionOptions
{
    /// <summary>Off only for a single replica (local cluster mode, tests).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Name of the Lease.</summary>
    public string LeaseName { get; set; } = "finetune-operator";

    /// <summary>Namespace of the Lease; empty uses the watched namespace, or "default".</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This replica's identity; empty uses the host name and process id.</summary>
    public string? Identity { get; set; }

    /// <summary>How long a lease holds without renewal.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval between acquire/renew attempts.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
