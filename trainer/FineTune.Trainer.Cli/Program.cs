using System.CommandLine;
using FineTune.Trainer.Cli.Commands;

// The trainer command line. Exit codes: FineTune.Api.Contract.TrainerExitCodes.
var root = new RootCommand("FineTune trainer: runs, evaluates and validates FineTuneJobs on this machine or in a training pod");
root.Subcommands.Add(ValidateCommand.Create());
return root.Parse(args).Invoke();
