using System.Text.Json.Serialization;

namespace FineTune.Api.V1Alpha1;

/// <summary>The lifecycle phase of a FineTuneJob.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobPhase>))]
public enum JobPhase
{
    /// <summary>Accepted, nothing started yet.</summary>
    Pending,
    /// <summary>Waiting for GPU capacity in its queue.</summary>
    Queued,
    /// <summary>A stage's training Job is running.</summary>
    Running,
    /// <summary>Every stage finished and the outputs are written.</summary>
    Succeeded,
    /// <summary>A stage failed beyond its retries, the deadline passed, or the spec is invalid.</summary>
    Failed,
    /// <summary>Checkpointed and stopped by <c>runPolicy.suspend</c>.</summary>
    Suspended,
}

/// <summary>The phase of one stage of a run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StagePhase>))]
public enum StagePhase
{
    /// <summary>Waiting for earlier stages.</summary>
    Pending,
    /// <summary>Its Job is running.</summary>
    Running,
    /// <summary>Finished with outputs written.</summary>
    Succeeded,
    /// <summary>Failed beyond its retries.</summary>
    Failed,
    /// <summary>Stopped by a suspend; resumes from its last checkpoint.</summary>
    Suspended,
}

/// <summary>Status of a condition (metav1.ConditionStatus).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConditionStatus>))]
public enum ConditionStatus
{
    /// <summary>The condition holds.</summary>
    True,
    /// <summary>The condition does not hold.</summary>
    False,
    /// <summary>Not known yet.</summary>
    Unknown,
}
