using FineTune.LocalApiServer;
using k8s;

namespace FineTune.LocalApiServer.Tests;

/// <summary>
/// A fresh server per test (it starts in milliseconds), with the test CRD loaded and a real KubernetesClient on it.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    /// <summary>How long any test waits for an expected event before failing.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected LocalKubeApiServer Server { get; private set; } = null!;

    protected Kubernetes Client { get; private set; } = null!;

    /// <summary>Options for this test class's server.</summary>
    protected virtual LocalApiServerOptions Options => new()
    {
        CrdPaths = [Path.Combine(AppContext.BaseDirectory, "TestData", "widgets.yaml")],
    };

    public virtual async Task InitializeAsync()
    {
        Server = await LocalKubeApiServer.StartAsync(Options);
        Client = new Kubernetes(new KubernetesClientConfiguration { Host = Server.Url });
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
