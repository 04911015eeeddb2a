using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// The frozen policy DPO and PPO measure against. With an adapter method (LoRA) it is the policy itself with the
/// adapter switched off, so no second copy of the weights exists (torchtune's and TRL's choice); with full training it
/// is a separate frozen copy loaded from the same weights the policy started from.
/// </summary>
public sealed class ReferencePolicy : IDisposable
{
    private readonly ICausalLanguageModel _policy;
    private readonly IPeftMethod? _adapter;
    private readonly ICausalLanguageModel? _copy;

    private ReferencePolicy(ICausalLanguageModel policy, IPeftMethod? adapter, ICausalLanguageModel? copy)
    {
        _policy = policy;
        _adapter = adapter;
        _copy = copy;
    }

    /// <summary>True when the reference is the adapter-disabled policy (no second copy).</summary>
    public bool SharesWeights => _copy is null;

    /// <summary>
    /// The reference for <paramref name="policy"/> trained by <paramref name="method"/>: the adapter switched off when the
    /// method is a PEFT method, otherwise <paramref name="frozenCopy"/> (required then), which is frozen here.
    /// </summary>
    public static ReferencePolicy For(ICausalLanguageModel policy, IFineTuneMethod method, Func<ICausalLanguageModel>? frozenCopy)
    {
        if (method is IPeftMethod peft) return new ReferencePolicy(policy, peft, null);
        var copy = frozenCopy?.Invoke() ?? throw new ArgumentException(
            $"method {method.Name} has no adapter to switch off; the reference needs a frozen copy of the starting weights", nameof(frozenCopy));
        foreach (var parameter in copy.Module.parameters()) parameter.requires_grad = false;
        copy.Module.eval();
        return new ReferencePolicy(policy, null, copy);
    }

    /// <summary>Reference logits [batch, seq, vocab] for <paramref name="inputIds"/>, without gradients.</summary>
    public Tensor Logits(Tensor inputIds, Tensor? attentionMask)
    {
        using var noGrad = no_grad();
        if (_copy is not null) return _copy.Forward(inputIds, attentionMask);
        var wasTraining = _policy.Module.training;
        // Dropout off: the reference is a fixed distribution.
        _policy.Module.eval();
        _adapter!.SetAdapterEnabled(_policy, false);
        try
        {
            return _policy.Forward(inputIds, attentionMask);
        }
        finally
        {
            _adapter.SetAdapterEnabled(_policy, true);
            if (wasTraining) _policy.Module.train();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _copy?.Module.Dispose();
}
