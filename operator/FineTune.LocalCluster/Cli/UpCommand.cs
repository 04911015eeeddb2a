using System.CommandLine;
using FineTune.LocalCluster.Cluster;
using Microsoft.Extensions.Logging;

namespace FineTune.LocalCluster.Cli;

/// <summary>
/// <c>localcluster up</c>: starts the local cluster with the operator and keeps it running until Ctrl+C; apply
/// manifests with <c>kubectl --kubeconfig &lt;state&gt;/kubeconfig apply -f ...</c>.
/// </summary>
public static class UpCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var state = new Option<DirectoryInfo>("--state") { Description = "Directory for pod directories, logs and the kubeconfig", DefaultValueFactory = _ => new DirectoryInfo(".localcluster") };
        var port = new Option<int>("--port") { Description = "API server port on 127.0.0.1 (0: any free port)" };
        var commands = CommonOptions.Commands();
        var command = new Command("up", "Start the local cluster and the operator, and serve until Ctrl+C") { state, port, commands };
        command.SetAction(async (parse, token) =>
        {
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            await using var cluster = await Cluster.LocalCluster.StartAsync(new LocalClusterOptions
            {
                StateDirectory = parse.GetValue(state)!.FullName,
                ApiPort = parse.GetValue(port),
                Commands = CommonOptions.ParseCommands(parse.GetValue(commands)),
                LoggerFactory = loggers,
            });
            Console.WriteLine($"local cluster up: API server {cluster.Server.Url}");
            Console.WriteLine($"  kubectl --kubeconfig {cluster.KubeconfigPath} apply -f examples/quickstart.yaml");
            Console.WriteLine("Ctrl+C stops the cluster and every pod process.");
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C.
            }
            return 0;
        });
        return command;
    }
}
