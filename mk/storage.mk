# Storage: the S3 test server (s3rver) for the storage tests and the storage benchmark.
S3RVER_VERSION := 3.7.1
S3RVER_DIR := .tools/s3rver

.PHONY: s3rver bench-storage

# s3rver writes its XML under the namespace http://doc.s3.amazonaws.com/2006-03-01/, which the Minio SDK ignores
# (listing then silently returns nothing): rewrite it to the real S3 namespace. Idempotent.
ci-deps:: s3rver

s3rver: ## Install the S3 test server (npm s3rver) into .tools/s3rver, with its XML namespace fixed
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	@if [ ! -f $(S3RVER_DIR)/node_modules/s3rver/package.json ] || \
	    ! grep -q '"version": "$(S3RVER_VERSION)"' $(S3RVER_DIR)/node_modules/s3rver/package.json; then \
	  mkdir -p $(S3RVER_DIR) && \
	  npm install --prefix $(S3RVER_DIR) --no-save --no-audit --no-fund --loglevel=error s3rver@$(S3RVER_VERSION) >/dev/null; \
	fi
	@sed -i 's#http://doc\.s3\.amazonaws\.com/2006-03-01/#http://s3.amazonaws.com/doc/2006-03-01/#g' \
	  $(S3RVER_DIR)/node_modules/s3rver/lib/controllers/*.js
	@! grep -rq 'doc\.s3\.amazonaws\.com' $(S3RVER_DIR)/node_modules/s3rver/lib/ || \
	  { echo "s3rver: the XML namespace fix did not apply" >&2; exit 1; }
	@echo "s3rver $(S3RVER_VERSION) ready in $(S3RVER_DIR)"

# The trainer the SIGTERM benchmark runs (`trainer run` of the reference model with its output in S3), with tcmalloc
# preloaded like every launcher of the trainer (TCMALLOC comes from mk/trainer.mk).
STORAGE_BENCH_TRAINER := trainer/FineTune.Trainer.Cli/bin/$(CONFIGURATION)/net10.0/trainer.dll

# Extra arguments for the benchmark, e.g. BENCH_STORAGE_ARGS="--megabytes 1024 --repeats 5".
BENCH_STORAGE_ARGS ?=

bench-storage: s3rver ## Checkpoint save/load MB/s to S3 (a local s3rver) against raw put/get, and SIGTERM to durable checkpoint (JSON lines)
	$(DOTNET) build trainer/FineTune.Trainer.Cli/FineTune.Trainer.Cli.csproj -c $(CONFIGURATION) -nologo -v:q
	@set -euo pipefail; data=$$(mktemp -d); log=$$(mktemp); \
	node --openssl-legacy-provider $(S3RVER_DIR)/node_modules/s3rver/bin/s3rver.js -d "$$data" -a 127.0.0.1 -p 0 --silent --configure-bucket bench >"$$log" 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null || true; wait $$pid 2>/dev/null || true; rm -rf "$$data" "$$log"' EXIT; \
	port=""; for i in $$(seq 100); do \
	  port=$$(sed -n 's/.*S3rver listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$$log"); [ -n "$$port" ] && break; sleep 0.1; \
	done; \
	[ -n "$$port" ] || { echo "s3rver did not start:" >&2; cat "$$log" >&2; exit 1; }; \
	AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER $(DOTNET) run --project trainer/FineTune.Trainer.StorageBench \
	  -c $(CONFIGURATION) -- --target s3://bench/ --endpoint http://127.0.0.1:$$port $(BENCH_STORAGE_ARGS); \
	AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER OMP_NUM_THREADS=$${OMP_NUM_THREADS:-$$(nproc)} $(if $(TCMALLOC),LD_PRELOAD=$(TCMALLOC)) \
	  $(DOTNET) run --no-build --project trainer/FineTune.Trainer.StorageBench -c $(CONFIGURATION) -- sigterm \
	  --trainer $(STORAGE_BENCH_TRAINER) --target s3://bench/ --endpoint http://127.0.0.1:$$port

# The trainer metrics tests run `promtool check metrics` and a real Prometheus server scraping the trainer.
ci-deps::
	@command -v promtool >/dev/null && command -v prometheus >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
