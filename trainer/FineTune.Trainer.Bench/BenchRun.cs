using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Models.Gpt2;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Bench;

/// <summary>
/// One training setup of the reference model (GPT-style d=256, 4 layers, 4 heads, vocab 8192, sequence 128, batch 8,
/// AdamW, grad-norm clip 1.0) with a fine-tuning method applied; the step is split into phases so they can be timed.
/// </summary>
internal sealed class BenchRun
{
    public const int Batch = 8, Seq = 128, Vocab = 8192, Hidden = 256, Layers = 4, Heads = 4;

    private readonly Gpt2LMHeadModel _model;
    private readonly optim.Optimizer _optimizer;
    private readonly Tensor _inputs;
    private readonly Tensor _targets;

    /// <summary>Builds the model in <paramref name="dtype"/> and applies config <paramref name="methodName"/>.</summary>
    public BenchRun(string methodName, ScalarType dtype)
    {
        manual_seed(0);
        var config = new Gpt2Config
        {
            VocabSize = Vocab, HiddenSize = Hidden, NumLayers = Layers, NumHeads = Heads, MaxPositions = Seq + BenchMethods.VirtualTokens(methodName), // real tokens sit after the virtual ones
            ResidualDropout = 0, EmbeddingDropout = 0, AttentionDropout = 0,
        };
        _model = new Gpt2LMHeadModel(config);
        _model.to(dtype); // before the optimizer: .to() replaces the parameters
        _model.train();
        var method = MethodRegistry.Create(BenchMethods.Spec(methodName));
        method.Apply(_model);
        var trainable = method.TrainableParameterNames(_model).ToHashSet();
        Parameters = _model.named_parameters().Where(p => trainable.Contains(p.name)).Select(p => p.parameter).ToArray();
        _optimizer = optim.AdamW(Parameters, lr: 3e-4);
        var data = randint(0, Vocab, new long[] { Batch, Seq + 1 }, ScalarType.Int64);
        _inputs = data[.., ..Seq].contiguous();
        _targets = data[.., 1..].reshape(-1).contiguous();

        int virtualTokens = BenchMethods.VirtualTokens(methodName);
        // Methods that train every base weight (full, and qat through its fake quantizer) do full fine-tuning's matmuls.
        bool full = BenchMethods.Spec(methodName).Method is FineTuneMethod.Full or FineTuneMethod.Qat;
        // Per-token matmuls a method adds: its 2-D trainable weights, except prefix methods, whose trainable weights
        // produce the virtual tokens once per batch.
        long added = full || virtualTokens > 0 ? 0 : Parameters.Where(p => p.dim() == 2).Sum(p => p.numel());
        long trained = full ? TrainingFlops.BaseMatmulWeights(Layers, Hidden, Vocab) : added;
        FlopsPerToken = TrainingFlops.PerToken(Layers, Hidden, Vocab, Seq + virtualTokens, added, trained);
        // A soft prompt is a row of the input: its virtual tokens go through every layer like real tokens, so each
        // real token carries their share of the work (prefix variants only add keys and values, counted in K above).
        if (BenchMethods.Spec(methodName).Prefix is { Variant: PrefixVariant.Prompt })
            FlopsPerToken *= (double)(Seq + virtualTokens) / Seq;
    }

    /// <summary>The tensors the optimizer updates.</summary>
    public TorchSharp.Modules.Parameter[] Parameters { get; }

    /// <summary>Training FLOPs per token this method performs (<see cref="TrainingFlops"/>).</summary>
    public double FlopsPerToken { get; }

    /// <summary>Tokens one step trains on.</summary>
    public static int TokensPerStep => Batch * Seq;

    /// <summary>Clears gradients, runs the model and returns the mean cross-entropy (call inside a dispose scope).</summary>
    public Tensor Forward()
    {
        _optimizer.zero_grad();
        var logits = _model.Forward(_inputs);
        return nn.functional.cross_entropy(logits.reshape(-1, Vocab).to(ScalarType.Float32), _targets);
    }

    /// <summary>Back-propagates <paramref name="loss"/>.</summary>
    public static void Backward(Tensor loss) => loss.backward();

    /// <summary>Clips the gradient norm to 1 and takes an AdamW step.</summary>
    public void Update()
    {
        nn.utils.clip_grad_norm_(Parameters, 1.0);
        _optimizer.step();
    }

    /// <summary>One whole training step.</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        var loss = Forward();
        Backward(loss);
        Update();
    }
}
