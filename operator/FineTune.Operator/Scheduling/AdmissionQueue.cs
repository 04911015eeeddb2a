using FineTune.Api.V1Alpha1;
using FineTune.Operator.Configuration;
using FineTune.Operator.Status;

namespace FineTune.Operator.Scheduling;

/// <summary>
/// The operator's own admission queue: per spec.scheduling.queue a GPU capacity (from configuration; a queue without
/// one is unlimited). Waiting runs are ordered by priority (higher first), then creation time, then name; the head is
/// admitted when its GPUs fit. Reservations made here bridge the moment between admitting a run and seeing its
/// Admitted condition in the cache, so two parallel reconciles never hand out the same GPUs.
/// </summary>
public sealed class AdmissionQueue(OperatorOptions options)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Reservation> reservations = new();

    private sealed record Reservation(string Queue, int Gpus);

    /// <summary>Decides for <paramref name="job"/>, given every FineTuneJob the operator knows (including it).</summary>
    public AdmissionDecision Decide(FineTuneJob job, IEnumerable<FineTuneJob> all)
    {
        var queue = job.Spec.Scheduling.Queue;
        if (job.Spec.Scheduling.Kueue)
            return AdmissionDecision.Admit(queue, $"Kueue LocalQueue {queue} admits the Jobs");
        if (!options.QueueGpuCapacity.TryGetValue(queue, out var capacity))
            return AdmissionDecision.Admit(queue, $"queue {queue} has no GPU limit");

        var key = KeyOf(job);
        var gpus = job.Spec.Resources.Gpus;
        lock (gate)
        {
            var jobs = all.Where(j => j.Spec.Scheduling.Queue == queue && !j.Spec.Scheduling.Kueue).ToList();
            var byKey = jobs.ToDictionary(KeyOf);
            // Reservations of jobs that finished, were suspended or went away are over.
            foreach (var stale in reservations.Keys.Where(k => !byKey.TryGetValue(k, out var j) || !HoldsCapacity(j, reserved: true)).ToList())
                reservations.Remove(stale);

            var holders = jobs.Where(j => HoldsCapacity(j, reservations.ContainsKey(KeyOf(j)))).Select(KeyOf).ToHashSet();
            if (holders.Contains(key))
                return AdmissionDecision.Admit(queue, $"holds {gpus} GPU(s) of queue {queue}");
            var used = holders.Sum(k => reservations.TryGetValue(k, out var r) ? r.Gpus : byKey[k].Spec.Resources.Gpus);

            var waiting = jobs.Where(j => Waiting(j) && !holders.Contains(KeyOf(j)))
                .OrderByDescending(j => j.Spec.Scheduling.Priority ?? 0)
                .ThenBy(j => j.Metadata.CreationTimestamp ?? DateTime.MaxValue)
                .ThenBy(KeyOf, StringComparer.Ordinal)
                .Select(KeyOf).ToList();
            var position = waiting.IndexOf(key);
            if (position < 0)
                position = waiting.Count;
            if (position == 0 && used + gpus <= capacity)
            {
                reservations[key] = new Reservation(queue, gpus);
                return AdmissionDecision.Admit(queue, $"{gpus} GPU(s) of {capacity} in queue {queue}, {used} in use");
            }
            return new AdmissionDecision(false, queue, position,
                $"position {position} in queue {queue}: {used} of {capacity} GPU(s) in use, needs {gpus}");
        }
    }

    /// <summary>Forgets the reservation of a job that finished or was deleted.</summary>
    public void Release(string key)
    {
        lock (gate)
            reservations.Remove(key);
    }

    /// <summary>namespace/name of a job.</summary>
    public static string KeyOf(FineTuneJob job) => $"{job.Metadata.NamespaceProperty}/{job.Metadata.Name}";

    private static bool Active(FineTuneJob job)
        => job.Metadata.DeletionTimestamp is null && job.Status?.Phase is not (JobPhase.Succeeded or JobPhase.Failed or JobPhase.Suspended);

    private static bool HoldsCapacity(FineTuneJob job, bool reserved)
        => Active(job) && (reserved || Conditions.IsTrue(job.Status?.Conditions, ConditionTypes.Admitted));

    private static bool Waiting(FineTuneJob job) => Active(job) && !job.Spec.RunPolicy.Suspend;
}
