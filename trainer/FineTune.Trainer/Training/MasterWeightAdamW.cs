using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019) with its state and a master copy of the weights kept in fp32.
/// Update per parameter p with gradient g at step t: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
/// p ← p (1 − lr λ) − lr (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε), the same formula as torch.optim.AdamW.
/// Decay λ is not applied to 1-dimensional parameters (biases and norm weights), as Hugging Face trainers do.
/// Under <see cref="Precision.Bf16"/> the model computes in bfloat16 while this class keeps fp32 master weights and
/// fp32 moments (TorchSharp has no autocast; a model moved to bf16 would otherwise keep its optimizer state in bf16 and
/// lose small updates to rounding): gradients are read as fp32, the masters are updated, then copied into the model.
/// The whole state is plain tensors, saved to and loaded from safetensors for exact resume.
/// </summary>
public sealed class MasterWeightAdamW : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    // Constant scalars are created once: an implicit double → Scalar conversion in the hot loop allocates a native
    // Scalar each time, which dispose scopes do not track (pitfalls.md).
    private static readonly Scalar Beta1Scalar = Beta1;
    private static readonly Scalar Beta2Scalar = Beta2;
    private static readonly Scalar OneMinusBeta1 = 1 - Beta1;
    private static readonly Scalar OneMinusBeta2 = 1 - Beta2;
    private static readonly Scalar EpsilonScalar = Epsilon;

    private readonly List<Entry> _entries = [];
    private readonly double _weightDecay;

    private sealed class Entry(string name, Tensor master, Tensor expAvg, Tensor expAvgSq, bool decay)
    {
        public string Name { get; } = name;
        public Tensor Master { get; } = master;
        public Tensor ExpAvg { get; } = expAvg;
        public Tensor ExpAvgSq { get; } = expAvgSq;
        public bool Decay { get; } = decay;
        public TorchSharp.Modules.Parameter Parameter { get; set; } = null!;
    }

    /// <summary>
    /// Creates the optimizer for the named parameters of <paramref name="model"/> (which must be in fp32 on its training
    /// device), then, for bf16, casts the model to bfloat16 and binds to its new parameters. Re-apply the method after
    /// this (casting replaces Parameter objects).
    /// </summary>
    public MasterWeightAdamW(ILanguageModel model, IReadOnlyList<string> trainable, Precision precision, double weightDecay)
    {
        if (trainable.Count == 0) throw new ArgumentException("the method left no parameter to train");
        Precision = precision;
        _weightDecay = weightDecay;
        var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var name in trainable)
            {
                var parameter = parameters[name];
                if (parameter.dtype != ScalarType.Float32)
                    throw new InvalidOperationException($"parameter {name} is {parameter.dtype}; the optimizer needs the fp32 model");
                // fp32: the parameter itself is the master; bf16: a separate fp32 copy.
                var master = precision == Precision.Bf16 ? parameter.detach().clone() : parameter.detach();
                var expAvg = zeros_like(master);
                var expAvgSq = zeros_like(master);
                foreach (var t in new[] { master, expAvg, expAvgSq }) t.DetachFromDisposeScope();
                _entries.Add(new Entry(name, master, expAvg, expAvgSq, parameter.dim() > 1));
            }
        }
        if (precision == Precision.Bf16) model.Module.to(ScalarType.BFloat16);
        Bind(model);
    }

    /// <summary>Numeric mode of the model this optimizer drives.</summary>
    public Precision Precision { get; }

    /// <summary>Optimizer steps taken so far (also the bias-correction exponent).</summary>
    public long Steps { get; private set; }

    /// <summary>Names of the parameters this optimizer updates.</summary>
    public IEnumerable<string> ParameterNames => _entries.Select(e => e.Name);

    /// <summary>The fp32 master value of each trained parameter (the parameter itself under fp32).</summary>
    public IEnumerable<(string Name, Tensor Master)> Masters => _entries.Select(e => (e.Name, e.Master));

    /// <summary>
    /// Clips the global gradient norm to <paramref name="maxNorm"/> (0: no clipping), then takes one step with
    /// <paramref name="learningRate"/>. Returns the norm before clipping; when it is not finite, no weight changes.
    /// Call inside the step's dispose scope.
    /// </summary>
    public double Step(double learningRate, double maxNorm)
    {
        var gradients = _entries.Select(e =>
        {
            var grad = e.Parameter.grad ?? zeros_like(e.Master);
            return grad.dtype == ScalarType.Float32 ? grad : grad.to(ScalarType.Float32);
        }).ToList();
        var norm = (double)stack(gradients.Select(g => g.norm()).ToArray()).norm().item<float>();
        if (!double.IsFinite(norm)) return norm;

        using var noGrad = no_grad();
        if (maxNorm > 0 && norm > maxNorm)
        {
            using Scalar coefficient = maxNorm / (norm + 1e-6);
            foreach (var g in gradients) g.mul_(coefficient);
        }

        Steps++;
        var biasCorrection1 = 1 - Math.Pow(Beta1, Steps);
        var biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, Steps));
        using Scalar stepSize = -learningRate / biasCorrection1;
        using Scalar correction2 = biasCorrection2Sqrt;
        using Scalar decay = 1 - learningRate * _weightDecay;
        for (var i = 0; i < _entries.Count; i++)
        {
            var e = _entries[i];
            var g = gradients[i];
            if (e.Decay && _weightDecay > 0) e.Master.mul_(decay);
            e.ExpAvg.mul_(Beta1Scalar).add_(g, alpha: OneMinusBeta1);
            e.ExpAvgSq.mul_(Beta2Scalar).addcmul_(g, g, value: OneMinusBeta2);
            var denominator = e.ExpAvgSq.sqrt().div_(correction2).add_(EpsilonScalar);
            e.Master.addcdiv_(e.ExpAvg, denominator, value: stepSize);
            if (Precision == Precision.Bf16) e.Parameter.copy_(e.Master);
        }
        return norm;
    }

    /// <summary>Clears the gradients of the trained parameters.</summary>
    public void ZeroGradients()
    {
        foreach (var e in _entries)
        {
            using var grad = e.Parameter.grad;
            grad?.zero_();
        }
    }

    /// <summary>Looks the trained parameters up again by name (after the model's Parameter objects were replaced).</summary>
    public void Bind(ILanguageModel model)
    {
        var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        foreach (var e in _entries)
            e.Parameter = parameters.TryGetValue(e.Name, out var p) ? p
                : throw new InvalidOperationException($"parameter {e.Name} is no longer part of the model");
    }

    /// <summary>The moments (and bf16 masters) by name, for a checkpoint.</summary>
    public Dictionary<string, Tensor> StateTensors()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var e in _entries)
        {
            state["exp_avg." + e.Name] = e.ExpAvg;
            state["exp_avg_sq." + e.Name] = e.ExpAvgSq;
            if (Precision == Precision.Bf16) state["master." + e.Name] = e.Master;
        }
        return state;
    }

    /// <summary>Restores the state written by <see cref="StateTensors"/> after <paramref name="steps"/> steps.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state, long steps, string source)
    {
        using var noGrad = no_grad();
        foreach (var e in _entries)
        {
            Copy(state, "exp_avg." + e.Name, e.ExpAvg, source);
            Copy(state, "exp_avg_sq." + e.Name, e.ExpAvgSq, source);
            if (Precision == Precision.Bf16)
            {
                Copy(state, "master." + e.Name, e.Master, source);
                e.Parameter.copy_(e.Master);
            }
        }
        Steps = steps;
    }

    private static void Copy(IReadOnlyDictionary<string, Tensor> state, string key, Tensor target, string source)
    {
        if (!state.TryGetValue(key, out var value))
            throw new InvalidOperationException($"{source}: optimizer state '{key}' is missing; the checkpoint belongs to another method or model");
        if (!value.shape.SequenceEqual(target.shape))
            throw new InvalidOperationException(
                $"{source}: optimizer state '{key}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", target.shape)}]");
        target.copy_(value);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var e in _entries)
        {
            e.ExpAvg.Dispose();
            e.ExpAvgSq.Dispose();
            e.Master.Dispose();
        }
        _entries.Clear();
    }
}
