namespace FineTune.Operator.Runtime;

/// <summary>What /readyz and /healthz report: leadership, cache sync, and whether the control loop is alive.</summary>
public sealed class OperatorState
{
    private volatile bool leader;
    private volatile bool synced;
    private volatile bool failed;

    /// <summary>True while this replica reconciles (leader, or leader election off).</summary>
    public bool IsLeader { get => leader; set => leader = value; }

    /// <summary>True once the leader's caches have loaded.</summary>
    public bool CachesSynced { get => synced; set => synced = value; }

    /// <summary>True when the control loop stopped on an unexpected error (the process should be restarted).</summary>
    public bool Faulted { get => failed; set => failed = value; }

    /// <summary>Ready: a standby replica is ready to take over; a leader once its caches are loaded.</summary>
    public bool Ready => !Faulted && (!IsLeader || CachesSynced);
}
