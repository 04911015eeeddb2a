using FineTune.Api.V1Alpha1;

namespace FineTune.Operator.Status;

/// <summary>metav1.Condition semantics over a status's condition list: one entry per type; lastTransitionTime moves only when the status flips.</summary>
public static class Conditions
{
    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static Condition? Find(IEnumerable<Condition>? conditions, string type)
        => conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>True when the condition of <paramref name="type"/> exists with status True.</summary>
    public static bool IsTrue(IEnumerable<Condition>? conditions, string type)
        => Find(conditions, type)?.Status == ConditionStatus.True;

    /// <summary>
    /// Sets the condition of <paramref name="type"/>. Reason, message and observedGeneration always take the new
    /// values; lastTransitionTime becomes <paramref name="now"/> only when the status changes (or the condition is new).
    /// Returns true when the status flipped or the condition was added.
    /// </summary>
    public static bool Set(List<Condition> conditions, string type, ConditionStatus status, string reason, string? message,
        long? observedGeneration, DateTime now)
    {
        var existing = conditions.FindIndex(c => c.Type == type);
        if (existing < 0)
        {
            conditions.Add(new Condition
            {
                Type = type, Status = status, Reason = reason, Message = message,
                ObservedGeneration = observedGeneration, LastTransitionTime = now,
            });
            return true;
        }
        var current = conditions[existing];
        var flipped = current.Status != status;
        conditions[existing] = new Condition
        {
            Type = type, Status = status, Reason = reason, Message = message,
            ObservedGeneration = observedGeneration,
            LastTransitionTime = flipped ? now : current.LastTransitionTime,
        };
        return flipped;
    }
}
