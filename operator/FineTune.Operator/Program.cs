using FineTune.Operator;
using FineTune.Operator.Configuration;
using FineTune.Operator.Runtime;
using Prometheus;

// Runtime meters flood the exposition and must be suppressed before the first scrape.
Metrics.SuppressDefaultMetrics();

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddFineTuneOperator(options => builder.Configuration.GetSection(OperatorOptions.Section).Bind(options));
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

var app = builder.Build();
app.UseRouting();
app.MapGet("/healthz", (OperatorState state) => state.Faulted ? Results.Problem("control loop stopped", statusCode: 503) : Results.Text("ok"));
app.MapGet("/readyz", (OperatorState state) => state.Ready
    ? Results.Text(state.IsLeader ? "ok: leader, caches synced" : "ok: standby")
    : Results.Problem(state.Faulted ? "control loop stopped" : "caches not synced yet", statusCode: 503));
app.MapMetrics("/metrics");
app.Run();
