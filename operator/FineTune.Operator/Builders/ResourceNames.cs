using System.Security.Cryptography;
using System.Text;

namespace FineTune.Operator.Builders;

/// <summary>
/// Deterministic names of the children of a FineTuneJob. The same job, run, stage and iteration always give the same
/// name, so an operator restarted mid-run finds what it created instead of creating it again.
/// </summary>
public static class ResourceNames
{
    /// <summary>Longest Job name: the Job controller copies it into a pod label, which allows 63 characters.</summary>
    public const int MaxJobNameLength = 63;

    /// <summary>Six lower-case hex characters identifying a run inside names and labels.</summary>
    public static string RunShort(string runId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(runId));
        return Convert.ToHexStringLower(hash)[..6];
    }

    /// <summary>The batch/v1 Job of one stage of one run: &lt;job&gt;-&lt;run&gt;-&lt;stage&gt;-&lt;iteration&gt;.</summary>
    public static string TrainingJob(string fineTuneJobName, string runId, string stage, int iteration)
    {
        var suffix = $"-{RunShort(runId)}-{stage}-{iteration}";
        return Trim(fineTuneJobName, MaxJobNameLength - suffix.Length) + suffix;
    }

    /// <summary>The ConfigMap holding the manifest a run trains (one per run, so a running run never sees a later edit).</summary>
    public static string RunConfigMap(string fineTuneJobName, string runId)
    {
        var suffix = $"-{RunShort(runId)}";
        return Trim(fineTuneJobName, 253 - suffix.Length) + suffix;
    }

    /// <summary>ServiceAccount, Role and RoleBinding the trainer pods use to patch their job's status.</summary>
    public static string TrainerIdentity(string fineTuneJobName)
    {
        const string suffix = "-trainer";
        return Trim(fineTuneJobName, 253 - suffix.Length) + suffix;
    }

    private static string Trim(string name, int max) => name.Length <= max ? name : name[..max].TrimEnd('-', '.');
}
