using System.CommandLine;
using FineTune.LocalCluster.Cli;

// Local cluster mode (development only): the API server, the Job controller, a kubelet running pods as local
// processes, and the operator, in one process.
var root = new RootCommand("FineTune local cluster: run FineTuneJobs on this machine through the real operator and trainer, no cluster needed");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(UpCommand.Create());
return await root.Parse(args).InvokeAsync();
