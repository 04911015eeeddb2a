using System.Diagnostics;
using System.Text.Json;
using FineTune.Trainer.Bench;
using FineTune.Trainer.Runtime;
using static TorchSharp.torch;

// Reference model of the trainer benchmark: GPT-style, d=256, 4 layers, 4 heads, vocab 8192, sequence 128,
// batch 8, AdamW, grad-norm clip 1.0. One JSON line per dtype: tokens/s, MFU over a matmul peak measured here,
// peak RSS. Usage: bench [--dtype fp32|bf16|all] [--steps N] [--warmup N] [--method full|lora|adapter|prefix|ptuning-v2]
//   or: bench --profile full,lora [--dtype fp32] [--steps N]  (forward/backward/update times, methods in turn)
var options = ParseArgs(args);
var (threads, threadSource) = ThreadSettings.Apply();
foreach (var dtypeName in options.DTypes)
{
    var dtype = dtypeName == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32;
    var lines = options.Profile is { } methods
        ? PhaseProfile.Run(methods, dtype, options.Steps, options.Warmup)
        : [Run(dtypeName, dtype, options.Steps, options.Warmup, options.Method)];
    foreach (var line in lines)
    {
        line["dtype"] = dtypeName;
        line["threads"] = threads;
        line["threads_from"] = threadSource;
        line["tcmalloc"] = Tcmalloc.IsPreloaded();
        Console.WriteLine(JsonSerializer.Serialize(line));
    }
}
return 0;

static Dictionary<string, object> Run(string dtypeName, ScalarType dtype, int steps, int warmup, string methodName)
{
    double peak = MatmulPeak.Measure(dtype);
    var run = new BenchRun(methodName, dtype);
    for (int i = 0; i < warmup; i++) run.Step();
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < steps; i++) run.Step();
    double seconds = watch.Elapsed.TotalSeconds;

    double tokensPerSecond = (double)BenchRun.TokensPerStep * steps / seconds;
    // mfu counts the FLOPs this method really performs (TrainingFlops): for full fine-tuning 6·N + 12·L·T·d per
    // token; a frozen base has no weight-gradient products, only its adapter's.
    double gflops = run.FlopsPerToken * tokensPerSecond / 1e9;
    const int d = BenchRun.Hidden, layers = BenchRun.Layers, heads = BenchRun.Heads, vocab = BenchRun.Vocab, seq = BenchRun.Seq, batch = BenchRun.Batch;
    return new Dictionary<string, object>
    {
        ["config"] = methodName == "full" ? $"gpt-d{d}-l{layers}-h{heads}-v{vocab}-seq{seq}-b{batch}-adamw-clip1-{dtypeName}" : methodName,
        ["method"] = BenchMethods.Describe(methodName),
        ["trainable_params"] = run.Parameters.Sum(p => p.numel()),
        ["steps"] = steps,
        ["steps_per_s"] = Math.Round(steps / seconds, 3),
        ["tokens_per_s"] = Math.Round(tokensPerSecond, 1),
        ["flops_per_token"] = Math.Round(run.FlopsPerToken),
        ["model_gflops_per_s"] = Math.Round(gflops, 2),
        ["matmul_peak_gflops"] = Math.Round(peak, 2),
        ["mfu"] = Math.Round(gflops / peak, 4),
        ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakRssMegabytes(), 1),
    };
}

static (string[] DTypes, int Steps, int Warmup, string Method, string[]? Profile) ParseArgs(string[] args)
{
    string dtype = "all", method = "full";
    string[]? profile = null;
    int steps = 30, warmup = 3;
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]}: missing value.");
        switch (args[i])
        {
            case "--dtype": dtype = Value(); break;
            case "--steps": steps = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
            case "--method": method = BenchMethods.Check(Value()); break;
            case "--profile": profile = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(BenchMethods.Check).ToArray(); break;
            case "--warmup": warmup = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
            default: throw new ArgumentException($"unknown argument '{args[i]}'; expected --dtype fp32|bf16|all, --steps N, --warmup N, --method NAME, --profile NAME,NAME.");
        }
    }
    var dtypes = dtype switch
    {
        "all" => new[] { "fp32", "bf16" },
        "fp32" or "bf16" => new[] { dtype },
        _ => throw new ArgumentException($"--dtype: '{dtype}'; expected fp32, bf16 or all."),
    };
    return (dtypes, steps, warmup, method, profile);
}
