namespace FineTune.Operator.Status;

/// <summary>Condition types the operator maintains on a FineTuneJob.</summary>
public static class ConditionTypes
{
    /// <summary>The spec passed validation and its dependencies (Secrets) exist.</summary>
    public const string Ready = "Ready";

    /// <summary>The run was admitted by its queue (the operator's or Kueue).</summary>
    public const string Admitted = "Admitted";

    /// <summary>A stage's training pod is running.</summary>
    public const string Running = "Running";

    /// <summary>The run finished with every stage succeeded.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>The run is suspended by runPolicy.suspend.</summary>
    public const string Suspended = "Suspended";

    /// <summary>Set while a deletion waits for the outputs to be deleted (output.retainOnDelete false) and it failed.</summary>
    public const string OutputsDeleted = "OutputsDeleted";
}
