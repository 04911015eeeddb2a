using System.Net;
using FineTune.LocalApiServer.Http;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Security;
using FineTune.LocalApiServer.Storage;
using FineTune.LocalApiServer.Testing;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FineTune.LocalApiServer;

/// <summary>
/// An in-process Kubernetes API server on a loopback port, which the official KubernetesClient talks to unchanged
/// (<c>new Kubernetes(new KubernetesClientConfiguration { Host = server.Url })</c>). Objects live in memory in
/// <see cref="Store"/>; <see cref="Faults"/>, <see cref="Requests"/>, <see cref="Objects"/> and
/// <see cref="StopListenerAsync"/> / <see cref="StartListenerAsync"/> let tests break, observe and drive it.
/// </summary>
public sealed class LocalKubeApiServer : IAsyncDisposable
{
    private readonly LocalApiServerOptions _options;
    private readonly ApiRequestHandler _handler;
    private readonly SemaphoreSlim _listenerGate = new(1, 1);
    private WebApplication? _app;

    private LocalKubeApiServer(LocalApiServerOptions options)
    {
        _options = options;
        Resources = new ResourceRegistry();
        Store = new ObjectStore(options.Time, options.WatchHistorySize);
        Operations = new ResourceOperations(Store, Resources, options);
        Objects = new ObjectAccess(Store, Resources, Operations);
        _handler = new ApiRequestHandler(Store, Resources, Operations, new WatchStreamWriter(Store, options), Faults, Requests, options,
            Tokens, new RbacAuthorizer(Objects));
        Port = options.Port;
    }

    /// <summary>Starts a server: loads the CRDs of <see cref="LocalApiServerOptions.CrdPaths"/>, then listens.</summary>
    public static async Task<LocalKubeApiServer> StartAsync(LocalApiServerOptions? options = null)
    {
        var server = new LocalKubeApiServer(options ?? new LocalApiServerOptions());
        foreach (var path in server._options.CrdPaths)
        {
            var crds = Directory.Exists(path) ? CrdLoader.LoadFolder(path) : CrdLoader.LoadFile(path);
            foreach (var crd in crds) server.Objects.Create(crd);
        }
        await server.StartListenerAsync();
        return server;
    }

    /// <summary>The served resources; add CRDs here or create them through the API.</summary>
    public ResourceRegistry Resources { get; }

    /// <summary>The objects, resourceVersions and watch history.</summary>
    public ObjectStore Store { get; }

    /// <summary>API semantics (status subresource, validation, patches) for writes that bypass HTTP.</summary>
    public ResourceOperations Operations { get; }

    /// <summary>Typed reads and writes of objects that bypass HTTP (and so faults and request counts).</summary>
    public ObjectAccess Objects { get; }

    /// <summary>Injected faults.</summary>
    public FaultInjector Faults { get; } = new();

    /// <summary>Requests received, by verb and resource.</summary>
    public RequestCounter Requests { get; } = new();

    /// <summary>The server's clock (timestamps); the Job driver uses it too.</summary>
    public TimeProvider Time => _options.Time;

    /// <summary>Unexpected exceptions raised while handling requests (each answered with 500 InternalError).</summary>
    public IReadOnlyCollection<Exception> InternalErrors => _handler.InternalErrors;

    /// <summary>The loopback port (fixed after the first start, so a restarted listener comes back on it).</summary>
    public int Port { get; private set; }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>True while the listener accepts connections.</summary>
    public bool IsListening => _app is not null;

    /// <summary>A client configured for this server.</summary>
    public Kubernetes CreateClient() => new(new KubernetesClientConfiguration { Host = Url });

    /// <summary>Tokens issued for service accounts (checked when <see cref="LocalApiServerOptions.AuthorizeServiceAccounts"/> is on).</summary>
    public ServiceAccountTokens Tokens { get; } = new();

    /// <summary>A bearer token for the service account <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public string IssueServiceAccountToken(string ns, string name) => Tokens.Issue(ns, name);

    /// <summary>A client that authenticates as the service account <paramref name="ns"/>/<paramref name="serviceAccount"/>.</summary>
    public Kubernetes CreateClient(string ns, string serviceAccount) =>
        new(new KubernetesClientConfiguration { Host = Url, AccessToken = IssueServiceAccountToken(ns, serviceAccount) });

    /// <summary>Starts accepting connections (on the same port as before, after <see cref="StopListenerAsync"/>).</summary>
    public async Task StartListenerAsync()
    {
        await _listenerGate.WaitAsync();
        try
        {
            if (_app is not null) return;
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k =>
            {
                k.Listen(IPAddress.Loopback, Port);
                k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            });
            builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
            var app = builder.Build();
            var stopping = app.Lifetime.ApplicationStopping;
            app.Run(context => _handler.HandleAsync(context, stopping));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Port = new Uri(address).Port;
            _app = app;
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    /// <summary>
    /// Stops accepting connections and ends open watches, keeping every object: clients see the API server as
    /// unreachable until <see cref="StartListenerAsync"/>.
    /// </summary>
    public async Task StopListenerAsync()
    {
        await _listenerGate.WaitAsync();
        try
        {
            if (_app is null) return;
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    /// <summary>Stops the listener.</summary>
    public async ValueTask DisposeAsync() => await StopListenerAsync();
}
