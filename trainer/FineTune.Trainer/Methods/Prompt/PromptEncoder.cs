using FineTune.Trainer.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Prompt;

/// <summary>
/// The soft prompt of prompt tuning (Lester et al., 2021, arXiv 2104.08691): P learned vectors [P, d] in the model's
/// token-embedding space, put before every sequence's own embeddings. Like PEFT's PromptEmbedding it starts from
/// nn.Embedding's N(0, 1) draw unless initialised from the embeddings of a text.
/// </summary>
public sealed class PromptEncoder : nn.Module<Tensor, Tensor>, ISoftPrompt
{
    /// <summary>The virtual tokens' embeddings [P, d] (PEFT's prompt_embeddings).</summary>
    public Embedding embedding;

    /// <summary>Creates <paramref name="virtualTokens"/> vectors of width <paramref name="tokenDim"/>.</summary>
    public PromptEncoder(int virtualTokens, int tokenDim) : base(nameof(PromptEncoder))
    {
        embedding = nn.Embedding(virtualTokens, tokenDim);
        Length = virtualTokens;
        RegisterComponents();
    }

    /// <inheritdoc />
    public int Length { get; }

    /// <inheritdoc />
    public Tensor Embeddings(long batchSize) => embedding.weight!.unsqueeze(0).expand(batchSize, -1, -1);

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Embeddings(input.shape[0]);

    /// <summary>Copies <paramref name="rows"/> [P, d] into the prompt (text initialisation).</summary>
    public void Initialize(Tensor rows)
    {
        using var noGrad = no_grad();
        embedding.weight!.copy_(rows);
    }
}
