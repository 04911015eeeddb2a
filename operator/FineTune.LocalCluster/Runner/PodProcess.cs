using System.ComponentModel;
using System.Diagnostics;

namespace FineTune.LocalCluster.Runner;

/// <summary>
/// One pod's container running as a local process: output to the pod log, exit code as the container runtime
/// reports it (128 + signal when a signal ended it), and the kubelet's stop sequence (SIGTERM, then SIGKILL of the
/// whole process tree after the grace period).
/// </summary>
public sealed class PodProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly PodLog _log;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _terminating;

    private PodProcess(PodLaunch launch, Process process, PodLog log)
    {
        Launch = launch;
        _process = process;
        _log = log;
    }

    /// <summary>What was started.</summary>
    public PodLaunch Launch { get; }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The log the output goes to.</summary>
    public PodLog Log => _log;

    /// <summary>Completes with the exit code once the process has exited and its output is in the log.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>True once <see cref="TerminateAsync"/> was called (the pod was deleted, not finished by itself).</summary>
    public bool TerminationRequested => Volatile.Read(ref _terminating) != 0;

    /// <summary>
    /// Starts <paramref name="launch"/>. Throws <see cref="PodStartException"/> when the program cannot be executed
    /// (not found, not executable), which the kubelet reports as a StartError with exit code 128.
    /// </summary>
    public static PodProcess Start(PodLaunch launch)
    {
        var info = new ProcessStartInfo(launch.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = launch.WorkingDirectory,
        };
        foreach (var argument in launch.Arguments) info.ArgumentList.Add(argument);
        info.Environment.Clear();
        foreach (var (name, value) in launch.Environment) info.Environment[name] = value;

        var log = new PodLog(launch.LogPath);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var pod = new PodProcess(launch, process, log);
        process.OutputDataReceived += (_, e) => pod.OnLine(e.Data, pod._stdoutDone);
        process.ErrorDataReceived += (_, e) => pod.OnLine(e.Data, pod._stderrDone);
        process.Exited += (_, _) => _ = pod.CompleteAsync();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            log.Dispose();
            process.Dispose();
            throw new PodStartException($"exec: \"{launch.FileName}\": {e.Message}");
        }
        // A container has no stdin unless asked; closing it makes a program that reads it see end of input.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return pod;
    }

    private void OnLine(string? line, TaskCompletionSource done)
    {
        if (line is null) done.TrySetResult();
        else _log.Write(line);
    }

    private async Task CompleteAsync()
    {
        // A grandchild that inherited the pipes can keep them open after the process ended; do not wait on it forever.
        await Task.WhenAny(Task.WhenAll(_stdoutDone.Task, _stderrDone.Task), Task.Delay(TimeSpan.FromSeconds(2)));
        _exited.TrySetResult(_process.ExitCode);
    }

    /// <summary>
    /// Stops the process as the kubelet stops a deleted pod: SIGTERM, then after <paramref name="grace"/> (default:
    /// the launch's grace period) SIGKILL to the whole process tree. Returns the exit code.
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan? grace = null)
    {
        if (Interlocked.Exchange(ref _terminating, 1) == 0 && !_exited.Task.IsCompleted)
        {
            UnixSignals.Send(_process.Id, UnixSignals.Terminate);
            if (await Task.WhenAny(_exited.Task, Task.Delay(grace ?? Launch.GracePeriod)) != _exited.Task)
            {
                try
                {
                    _process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Exited meanwhile.
                }
            }
        }
        return await _exited.Task;
    }

    /// <summary>Terminates the process if it still runs, then releases the log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_exited.Task.IsCompleted) await TerminateAsync();
        _log.Dispose();
        _process.Dispose();
    }
}
