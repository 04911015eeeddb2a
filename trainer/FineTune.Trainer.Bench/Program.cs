using System.Diagnostics;
using System.Text.Json;
using FineTune.Trainer.Bench;
using FineTune.Trainer.Models.Gpt2;
using FineTune.Trainer.Runtime;
using TorchSharp;
using static TorchSharp.torch;

// Reference model of the trainer benchmark: GPT-style, d=256, 4 layers, 4 heads, vocab 8192, sequence 128,
// batch 8, AdamW, grad-norm clip 1.0. One JSON line per dtype: tokens/s, MFU over a matmul peak measured here,
// peak RSS. Usage: bench [--dtype fp32|bf16|all] [--steps N] [--warmup N]
var options = ParseArgs(args);
var (threads, threadSource) = ThreadSettings.Apply();
foreach (var dtypeName in options.DTypes)
{
    var line = Run(dtypeName, options.Steps, options.Warmup);
    line["threads"] = threads;
    line["threads_from"] = threadSource;
    line["tcmalloc"] = Tcmalloc.IsPreloaded();
    Console.WriteLine(JsonSerializer.Serialize(line));
}
return 0;

static Dictionary<string, object> Run(string dtypeName, int steps, int warmup)
{
    const int batch = 8, seq = 128, vocab = 8192, d = 256, layers = 4, heads = 4;
    var dtype = dtypeName == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32;
    double peak = MatmulPeak.Measure(dtype);

    manual_seed(0);
    var config = new Gpt2Config
    {
        VocabSize = vocab, HiddenSize = d, NumLayers = layers, NumHeads = heads, MaxPositions = seq,
        ResidualDropout = 0, EmbeddingDropout = 0, AttentionDropout = 0,
    };
    var model = new Gpt2LMHeadModel(config);
    model.to(dtype); // before the optimizer: .to() replaces the parameters
    model.train();
    var optimizer = optim.AdamW(model.parameters(), lr: 3e-4);
    var data = randint(0, vocab, new long[] { batch, seq + 1 }, ScalarType.Int64);
    var inputs = data[.., ..seq].contiguous();
    var targets = data[.., 1..].reshape(-1).contiguous();

    void Step()
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var logits = model.Forward(inputs);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, vocab).to(ScalarType.Float32), targets);
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), 1.0);
        optimizer.step();
    }

    for (int i = 0; i < warmup; i++) Step();
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < steps; i++) Step();
    double seconds = watch.Elapsed.TotalSeconds;

    double tokensPerSecond = (double)batch * seq * steps / seconds;
    // Training FLOPs per token (Kaplan et al. 2020, PaLM appendix B): 6 × matmul parameters (blocks + the tied
    // output head, which is a real vocab × d matmul) + 12 × layers × seq × d for attention scores and values.
    long blockParams = 12L * layers * d * d;
    double flopsPerToken = 6.0 * (blockParams + (double)vocab * d) + 12.0 * layers * seq * d;
    double modelGflops = flopsPerToken * tokensPerSecond / 1e9;
    return new Dictionary<string, object>
    {
        ["config"] = $"gpt-d{d}-l{layers}-h{heads}-v{vocab}-seq{seq}-b{batch}-adamw-clip1-{dtypeName}",
        ["dtype"] = dtypeName,
        ["steps"] = steps,
        ["steps_per_s"] = Math.Round(steps / seconds, 3),
        ["tokens_per_s"] = Math.Round(tokensPerSecond, 1),
        ["model_gflops_per_s"] = Math.Round(modelGflops, 2),
        ["matmul_peak_gflops"] = Math.Round(peak, 2),
        ["mfu"] = Math.Round(modelGflops / peak, 4),
        ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakRssMegabytes(), 1),
    };
}

static (string[] DTypes, int Steps, int Warmup) ParseArgs(string[] args)
{
    string dtype = "all";
    int steps = 30, warmup = 3;
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]}: missing value.");
        switch (args[i])
        {
            case "--dtype": dtype = Value(); break;
            case "--steps": steps = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
            case "--warmup": warmup = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
            default: throw new ArgumentException($"unknown argument '{args[i]}'; expected --dtype fp32|bf16|all, --steps N, --warmup N.");
        }
    }
    var dtypes = dtype switch
    {
        "all" => new[] { "fp32", "bf16" },
        "fp32" or "bf16" => new[] { dtype },
        _ => throw new ArgumentException($"--dtype: '{dtype}'; expected fp32, bf16 or all."),
    };
    return (dtypes, steps, warmup);
}
