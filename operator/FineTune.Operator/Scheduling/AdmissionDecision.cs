namespace FineTune.Operator.Scheduling;

/// <summary>Whether a run may start now, and where it stands in its queue otherwise.</summary>
/// <param name="Admitted">True when the run may create its Jobs.</param>
/// <param name="Queue">The queue's name (spec.scheduling.queue).</param>
/// <param name="Position">Jobs ahead of this one; 0 when admitted.</param>
/// <param name="Message">Why, for the Admitted condition.</param>
public sealed record AdmissionDecision(bool Admitted, string Queue, int Position, string Message)
{
    /// <summary>Admitted with nothing ahead.</summary>
    public static AdmissionDecision Admit(string queue, string message) => new(true, queue, 0, message);
}
