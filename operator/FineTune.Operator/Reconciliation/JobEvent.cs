namespace FineTune.Operator.Reconciliation;

/// <summary>A Kubernetes Event to record on the FineTuneJob for a transition.</summary>
/// <param name="Type">Normal or Warning.</param>
/// <param name="Reason">CamelCase reason.</param>
/// <param name="Message">What happened, for people.</param>
public sealed record JobEvent(string Type, string Reason, string Message)
{
    /// <summary>An informational event.</summary>
    public static JobEvent Normal(string reason, string message) => new("Normal", reason, message);

    /// <summary>An event that needs attention.</summary>
    public static JobEvent Warning(string reason, string message) => new("Warning", reason, message);
}
