using System.CommandLine;
using System.Runtime.InteropServices;
using FineTune.Api.Contract;
using FineTune.Api.Manifests;
using FineTune.Trainer.Cli.Progress;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Runtime;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Cli.Commands;

/// <summary>
/// <c>trainer run JOB.yaml [--stage S] [--run-id ID] [--json]</c>: trains one stage of a FineTuneJob on this machine
/// (or in a training pod). Outputs go to spec.output.uri/&lt;run id&gt;/; a run id that already has checkpoints resumes.
/// SIGTERM writes a checkpoint after the current step and exits 143.
/// </summary>
public static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var manifest = new Argument<FileInfo>("job") { Description = "FineTuneJob YAML file" };
        var stage = new Option<string?>("--stage") { Description = "Stage to run (train for single-stage methods)" };
        var runId = new Option<string?>("--run-id") { Description = $"Run id (default: ${TrainerEnvironment.RunId}, else the time)" };
        var json = new Option<bool>("--json") { Description = "JSON log lines even on a terminal" };
        var command = new Command("run", "Train one stage of a FineTuneJob");
        command.Arguments.Add(manifest);
        command.Options.Add(stage);
        command.Options.Add(runId);
        command.Options.Add(json);
        command.SetAction(parse => Run(parse.GetValue(manifest)!, parse.GetValue(stage), parse.GetValue(runId),
            parse.GetValue(json) || !TerminalProgress.IsTerminal, Console.Out, Console.Error));
        return command;
    }

    /// <summary>Runs the job; returns the exit code.</summary>
    public static int Run(FileInfo file, string? stage, string? runId, bool jsonLines, TextWriter output, TextWriter errors,
        CancellationToken cancellation = default) => CommandErrors.Guard(errors, () =>
    {
        var loaded = ManifestLoader.LoadFile(file.FullName);
        if (!loaded.IsValid)
        {
            foreach (var error in loaded.Errors) errors.WriteLine(error.ToString());
            return TrainerExitCodes.InvalidInput;
        }
        if (loaded.Jobs.Count != 1)
            throw new JobInputException($"{file}: holds {loaded.Jobs.Count} FineTuneJobs; run takes a file with exactly one.");

        var job = loaded.Jobs[0];
        var grace = CheckpointGrace.FromEnvironment();
        var (threads, source) = ThreadSettings.Apply();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // The grace budget starts at SIGTERM: a checkpoint save still running when it ends is aborted, so the process
        // exits on its own before the kubelet's SIGKILL (the previous checkpoint stays the one resume trusts).
        using var deadline = new CancellationTokenSource();
        using var startDeadline = stop.Token.Register(() => deadline.CancelAfter(grace));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true; // finish the step, write a checkpoint, then exit 143
            stop.Cancel();
        });

        using var telemetry = TrainerTelemetry.FromEnvironment(job.Spec.Method.ToString().ToLowerInvariant(), stage ?? JobPlanner.DefaultStage, errors);
        using var session = JobSession.Open(job, file.DirectoryName ?? ".", events: new StorageRetryLog(errors, telemetry.Metrics));
        JobPlan plan;
        try
        {
            plan = session.Plan(stage, RunIds.Resolve(runId), stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            errors.WriteLine("interrupted while fetching the job's inputs, before any training step: nothing to checkpoint; the next start downloads again");
            return TrainerExitCodes.Interrupted;
        }

        JobResult Work(ITrainingObserver display)
        {
            var observer = telemetry.Observe(display);
            observer.OnMessage($"threads: {threads} ({source}); tcmalloc {(Tcmalloc.IsPreloaded() ? "preloaded" : "not preloaded")}");
            return session.Run(plan, observer, stop.Token, deadline.Token);
        }

        JobResult result;
        try
        {
            result = jsonLines ? Work(new JsonLinesObserver(output)) : TerminalProgress.Run(Work);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            errors.WriteLine($"error: the checkpoint after SIGTERM did not reach {session.CheckpointsLocation(plan)} within " +
                             $"{TrainerEnvironment.CheckpointGraceSeconds}={grace.TotalSeconds:0.##} s; the next start resumes from the previous checkpoint");
            return TrainerExitCodes.Failed;
        }
        if (result.Interrupted && result.Steps == 0)
        {
            // Stopped while preparing (upft sampling, for example): no step ran, so there was nothing to save.
            errors.WriteLine($"interrupted before the first training step: nothing to checkpoint; run again with --run-id {plan.RunId} to start over");
            return TrainerExitCodes.Interrupted;
        }
        if (result.Interrupted)
        {
            errors.WriteLine($"interrupted at step {result.Steps}: checkpoint written under {session.CheckpointsLocation(plan)}; run again with --run-id {plan.RunId} to resume");
            return TrainerExitCodes.Interrupted;
        }
        var summary = session.HasRemoteOutput ? session.OutputLocation(plan) + Path.GetFileName(plan.ResultFile) : plan.ResultFile;
        output.WriteLine(jsonLines
            ? System.Text.Json.JsonSerializer.Serialize(new { @event = "done", result_file = summary, outputs = result.Outputs })
            : $"done: {result.Steps} steps; outputs: {string.Join(", ", result.Outputs.Values)}; summary: {summary}");
        return TrainerExitCodes.Success;
    });
}
