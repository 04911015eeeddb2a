# `make demo`: the quickstart job end to end on this machine through the local cluster mode (no cluster, no MinIO).
# The Makefile's own placeholder `demo` recipe is overridden here (make warns once about it until it is removed).
.PHONY: demo
demo: ## Run a real fine-tuning job end to end on this machine (no cluster needed)
	@CONFIGURATION=$(CONFIGURATION) DOTNET=$(DOTNET) operator/FineTune.LocalCluster/scripts/demo.sh

# The end-to-end tests (tests/FineTune.LocalCluster.Tests/EndToEnd) keep models, data and outputs in s3rver
# (mk/storage.mk installs it) and read trainer and operator series back from a real Prometheus. Idempotent.
ci-deps:: s3rver
	@command -v prometheus >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }

.PHONY: test-e2e
test-e2e: ## Run the end-to-end tests only (local cluster, real trainer processes, Prometheus)
	$(DOTNET) test tests/FineTune.LocalCluster.Tests -c $(CONFIGURATION) --filter "FullyQualifiedName~EndToEnd"
