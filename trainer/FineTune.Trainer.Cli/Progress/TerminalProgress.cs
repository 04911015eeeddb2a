using FineTune.Trainer.Training;
using Spectre.Console;

namespace FineTune.Trainer.Cli.Progress;

/// <summary>A live progress bar (step, loss, tokens/s, ETA) on a terminal, with evaluations and notes printed above it.</summary>
public static class TerminalProgress
{
    /// <summary>True when standard output is an interactive terminal.</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with an observer that drives the bar.</summary>
    public static T Run<T>(Func<ITrainingObserver, T> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => work(new Observer(context)));

    private sealed class Observer(ProgressContext context) : ITrainingObserver
    {
        private ProgressTask? _task;

        public void OnStep(StepReport r)
        {
            _task ??= context.AddTask("training", maxValue: r.TotalSteps);
            _task.Value = r.Step;
            _task.Description = $"step {r.Step}/{r.TotalSteps}  loss {r.Loss:F4}  {r.TokensPerSecond:F0} tok/s  eta {TimeSpan.FromSeconds(Math.Round(r.EtaSeconds)):c}";
            context.Refresh();
        }

        public void OnEvaluation(long step, EvaluationMetrics m, bool improved) =>
            AnsiConsole.MarkupLineInterpolated(
                $"[blue]eval[/] step {step}: loss {m.Loss:F4}, perplexity {m.Perplexity:F2}{(m.Accuracy is double a ? $", accuracy {a:P1}" : "")}{(improved ? " (best)" : "")}");

        public void OnCheckpoint(long step, string location) =>
            AnsiConsole.MarkupLineInterpolated($"[grey]checkpoint step {step}: {location}[/]");

        public void OnMessage(string message) => AnsiConsole.MarkupLineInterpolated($"{message}");
    }
}
