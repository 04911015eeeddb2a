# The Helm chart charts/finetune-operator. Its CRD is a copy of crds/ (Helm installs a chart's crds/ as they are);
# tests/FineTune.Chart.Tests fails when the copy drifts. Run this after `make manifests`.
.PHONY: chart-crds
chart-crds: ## Copy crds/ into the Helm chart (after `make manifests`)
	cp crds/*.yaml charts/finetune-operator/crds/
