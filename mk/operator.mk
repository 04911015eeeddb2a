# The operator: benchmark. (Its tests run with `make test`.)
OPERATOR_BENCH := operator/FineTune.Operator/Bench/FineTune.Operator.Bench.csproj

.PHONY: bench-operator
bench-operator: ## 1,000 FineTuneJobs at once against the in-process API server: time to first Jobs, reconciles/s, latency, RSS (JSON lines)
	$(DOTNET) build operator/FineTune.Operator/FineTune.Operator.csproj -c Release -o operator/FineTune.Operator/Bench/bin/bench/operator -v q
	$(DOTNET) build $(OPERATOR_BENCH) -c Release -o operator/FineTune.Operator/Bench/bin/bench/runner -v q
	$(DOTNET) operator/FineTune.Operator/Bench/bin/bench/runner/FineTune.Operator.Bench.dll operator/FineTune.Operator/Bench/bin/bench/operator/FineTune.Operator.dll crds $(or $(JOBS),1000)
