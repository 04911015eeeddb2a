// Tests run one at a time: libtorch's default random generator is process-wide, and tests that seed it (model
// initialisation, dropout during training, sampling) would otherwise draw from each other's streams and stop being
// reproducible (a resumed run then differs from a straight one although the trainer is exact).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
