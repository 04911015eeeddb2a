# The in-process API server: validation cost benchmark. (Its tests run with `make test`.)
APISERVER_BENCH := operator/FineTune.LocalApiServer/Bench/FineTune.LocalApiServer.Bench.csproj

.PHONY: bench-apiserver
bench-apiserver: ## Custom-resource validation cost per write, and FineTuneJob creates / status patches per second over HTTP (JSON lines)
	$(DOTNET) build $(APISERVER_BENCH) -c Release -nologo -v:q
	$(DOTNET) operator/FineTune.LocalApiServer/Bench/bin/Release/net10.0/FineTune.LocalApiServer.Bench.dll crds examples $(or $(JOBS),500)
