using FineTune.Trainer.Data;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// One sampled answer to one prompt, as it is trained on: <see cref="Answer"/> holds the answer tokens that are targets
/// (the first prefixTokens, or for a structure sample the whole answer up to maxNewTokens); nothing after them is kept,
/// so nothing after them can reach the loss.
/// </summary>
/// <param name="Line">1-based line of the prompt in the prompts file.</param>
/// <param name="Sample">Which of the prompt's samples this is (0-based).</param>
/// <param name="Structure">True when the whole answer is trained on (the structure share).</param>
/// <param name="Prompt">The prompt's tokens as the model saw them (template and BOS included).</param>
/// <param name="Answer">The model's own tokens after the prompt that the loss covers.</param>
public sealed record UpftSample(long Line, int Sample, bool Structure, int[] Prompt, int[] Answer)
{
    /// <summary>The training example: prompt then answer; only the answer tokens are targets.</summary>
    public Example ToExample()
    {
        var ids = new int[Prompt.Length + Answer.Length];
        var labels = new int[ids.Length];
        Prompt.CopyTo(ids, 0);
        Answer.CopyTo(ids, Prompt.Length);
        Array.Fill(labels, TokenSequence.IgnoreIndex, 0, Prompt.Length);
        Answer.CopyTo(labels, Prompt.Length);
        return new Example(new TokenSequence(ids, labels), Line, PromptLength: Prompt.Length);
    }
}
