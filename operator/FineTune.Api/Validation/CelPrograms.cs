using System.Collections;
using System.Collections.Concurrent;
using Cel;

namespace FineTune.Api.Validation;

/// <summary>
/// Compiled CEL programs by expression text, in the rule environment Kubernetes offers (plus the strings extension's
/// <c>join</c>). Parsing dominates a rule's first use, so every expression is compiled once per process.
/// </summary>
internal static class CelPrograms
{
    private static readonly Lock CompileLock = new();
    private static readonly CelEnvironment Environment = CreateEnvironment();
    private static readonly ConcurrentDictionary<string, Func<IDictionary<string, object?>, object?>> Programs = new();

    /// <summary>The program of <paramref name="expression"/>; throws with the compiler's message when it does not compile.</summary>
    public static Func<IDictionary<string, object?>, object?> Get(string expression) =>
        Programs.GetOrAdd(expression, e =>
        {
            // The environment's visitor keeps state while compiling: one compilation at a time.
            lock (CompileLock)
            {
                var compiled = Environment.Compile(e);
                return variables => compiled(variables);
            }
        });

    private static CelEnvironment CreateEnvironment()
    {
        var environment = new CelEnvironment(null, null);

        // Kubernetes' CEL library has the strings extension's list.join(separator); the Cel package does not.
        environment.RegisterFunction("join", [typeof(IList), typeof(string)],
            args => string.Join((string)args[1]!, ((IList)args[0]!).Cast<object?>().Select(o => o?.ToString())));
        return environment;
    }
}
