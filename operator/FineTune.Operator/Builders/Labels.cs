namespace FineTune.Operator.Builders;

/// <summary>Labels and annotations the operator puts on what it creates, so events map back to their FineTuneJob.</summary>
public static class Labels
{
    /// <summary>Name of the owning FineTuneJob (namespace is the child's own).</summary>
    public const string JobName = "finetune.dev/job";

    /// <summary>Short form of the run id the child belongs to.</summary>
    public const string Run = "finetune.dev/run";

    /// <summary>Stage the training Job runs.</summary>
    public const string Stage = "finetune.dev/stage";

    /// <summary>rlhf iteration the training Job runs.</summary>
    public const string Iteration = "finetune.dev/iteration";

    /// <summary>Standard managed-by label.</summary>
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    /// <summary>Value of <see cref="ManagedBy"/>.</summary>
    public const string ManagedByValue = "finetune-operator";

    /// <summary>Kueue's LocalQueue label, set when spec.scheduling.kueue is true.</summary>
    public const string KueueQueueName = "kueue.x-k8s.io/queue-name";

    /// <summary>Label selector matching every child of one FineTuneJob.</summary>
    public static string SelectorFor(string fineTuneJobName) => $"{JobName}={fineTuneJobName}";

    /// <summary>Label selector matching every child of every FineTuneJob.</summary>
    public const string ManagedSelector = ManagedBy + "=" + ManagedByValue;
}
