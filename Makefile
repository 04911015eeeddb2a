# FineTune operator: build, test and run. `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
SOLUTION := FineTune.Operator.sln
DOTNET ?= dotnet
CONFIGURATION ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: help build test manifests ci-deps

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sort -u | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  %-22s %s\n", $$1, $$2}'

build: ## Build every project (warnings are errors)
	$(DOTNET) build $(SOLUTION) -c $(CONFIGURATION)

# One test project at a time (-m:1): on two cores the parallel default is no faster, and the end-to-end trainer
# processes competing with the trainer tests for CPU turn every timing margin into a flake.
test: build ## Run every test project
	@set -o pipefail; $(DOTNET) test $(SOLUTION) -c $(CONFIGURATION) --no-build -m:1 2>&1 | tee .test-output.log; status=$$?; \
	  awk '/(Passed|Failed)! +- +Failed: / { gsub(",", ""); f += $$4; p += $$6; s += $$8 } \
	    END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' .test-output.log; \
	  rm -f .test-output.log; exit $$status

manifests: ## Regenerate crds/ from the C# API types
	$(DOTNET) run --project operator/FineTune.CrdGen -c $(CONFIGURATION) -- crds

# Machine-level dependencies the tests need on a fresh machine (Debian packages, npm packages).
# Each component adds its own steps in mk/<component>.mk with `ci-deps::`.
ci-deps::
	@true

-include mk/*.mk
