using System.CommandLine;
using FineTune.Trainer.Cli.Commands;

// The trainer command line. Exit codes (FineTune.Api.Contract.TrainerExitCodes): 0 success, 1 failure a retry may
// fix, 2 invalid manifest/model/data, 3 training diverged (NaN/inf loss; last good checkpoint kept), 143 interrupted
// by SIGTERM after writing a checkpoint.
var root = new RootCommand("FineTune trainer: runs, evaluates and validates FineTuneJobs on this machine or in a training pod");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
return root.Parse(args).Invoke();
