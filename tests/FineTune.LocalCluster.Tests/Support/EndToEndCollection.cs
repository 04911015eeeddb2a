namespace FineTune.LocalCluster.Tests.Support;

/// <summary>
/// The end-to-end tests share one <see cref="EndToEndCluster"/> (one tiny model, one Prometheus, one local cluster)
/// and run one after another: each trains for real, and two trainings at once would only slow both on 2 cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "end-to-end";
}
