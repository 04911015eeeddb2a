using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>Retries, deadlines, suspension, clean-up and what a spec change does.</summary>
public sealed class RunPolicy
{
    /// <summary>Retries of a failed stage; each retry resumes from the stage's last checkpoint.</summary>
    [Minimum(0), Maximum(100)]
    public int BackoffLimit { get; set; } = 3;

    /// <summary>Seconds a run may take from its start before it fails.</summary>
    [Minimum(1)]
    public long? ActiveDeadlineSeconds { get; set; }

    /// <summary>Seconds after a run finishes before its Jobs and pods are deleted (the FineTuneJob and its outputs stay).</summary>
    [Minimum(0)]
    public long? TtlSecondsAfterFinished { get; set; }

    /// <summary>Checkpoint and stop the running stage; setting it back to false resumes from that checkpoint.</summary>
    public bool Suspend { get; set; }

    /// <summary>A spec change during a run: restart (a new run now) or ignoreUntilFinished (a new run after this one).</summary>
    public SpecChangePolicy OnSpecChange { get; set; } = SpecChangePolicy.Restart;

    /// <summary>Finished runs kept in status.history.</summary>
    [Minimum(0), Maximum(50)]
    public int HistoryLimit { get; set; } = 5;
}
