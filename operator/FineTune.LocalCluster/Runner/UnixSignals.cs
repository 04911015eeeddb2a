using System.Runtime.InteropServices;

namespace FineTune.LocalCluster.Runner;

/// <summary>
/// Sends POSIX signals. .NET offers only SIGKILL (<see cref="System.Diagnostics.Process.Kill()"/>); the kubelet's
/// SIGTERM, which lets the trainer write a checkpoint, needs libc's kill(2).
/// </summary>
public static partial class UnixSignals
{
    /// <summary>SIGTERM: asks the process to stop.</summary>
    public const int Terminate = 15;

    /// <summary>SIGKILL: ends the process at once, with no chance to checkpoint (an OOM kill or a lost node looks like this).</summary>
    public const int Kill = 9;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
