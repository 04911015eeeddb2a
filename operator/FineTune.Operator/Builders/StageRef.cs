namespace FineTune.Operator.Builders;

/// <summary>One stage of a run: its name (train, sft, reward, ppo, dpo) and rlhf iteration (from 1).</summary>
public sealed record StageRef(string Name, int Iteration);
