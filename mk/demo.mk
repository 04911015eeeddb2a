# `make demo`: the quickstart job end to end on this machine through the local cluster mode (no cluster, no MinIO).
# The Makefile's own placeholder `demo` recipe is overridden here (make warns once about it until it is removed).
.PHONY: demo
demo: ## Run a real fine-tuning job end to end on this machine (no cluster needed)
	@CONFIGURATION=$(CONFIGURATION) DOTNET=$(DOTNET) operator/FineTune.LocalCluster/scripts/demo.sh
