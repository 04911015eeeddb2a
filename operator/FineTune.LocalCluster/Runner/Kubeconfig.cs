namespace FineTune.LocalCluster.Runner;

/// <summary>Kubeconfig files for the local API server (plain HTTP on loopback, no credentials).</summary>
public static class Kubeconfig
{
    /// <summary>Writes a kubeconfig for <paramref name="serverUrl"/> with <paramref name="ns"/> as default namespace; returns the path.</summary>
    public static string Write(string path, string serverUrl, string ns = "default")
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: {serverUrl}
            users:
            - name: local
              user: {"{}"}
            contexts:
            - name: local
              context:
                cluster: local
                user: local
                namespace: {ns}
            current-context: local

            """);
        return path;
    }
}
