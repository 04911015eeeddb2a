# Trainer: machine dependencies and the training benchmark.
TCMALLOC := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib64/libtcmalloc_minimal.so.4))
TRAINER_BENCH := trainer/FineTune.Trainer.Bench/bin/$(CONFIGURATION)/net10.0/FineTune.Trainer.Bench.dll
BENCH_STEPS ?= 30

.PHONY: bench-trainer

# tcmalloc nearly doubles CPU training throughput (environment.md); launchers preload it when present.
ci-deps::
	@if [ ! -e /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 ] && [ ! -e /usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4 ]; then \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libtcmalloc-minimal4 >/dev/null; \
	fi

bench-trainer: ## Training throughput of the reference GPT model (fp32, bf16) and of each method, as JSON lines
	$(DOTNET) build trainer/FineTune.Trainer.Bench/FineTune.Trainer.Bench.csproj -c $(CONFIGURATION) -nologo -v:q
	@for dtype in fp32 bf16; do \
	  OMP_NUM_THREADS=$${OMP_NUM_THREADS:-$$(nproc)} $(if $(TCMALLOC),LD_PRELOAD=$(TCMALLOC)) \
	    $(DOTNET) $(TRAINER_BENCH) --dtype $$dtype --steps $(BENCH_STEPS); \
	done
	@for method in full lora adapter prefix ptuning-v2 prompt qlora qat upft; do \
	  OMP_NUM_THREADS=$${OMP_NUM_THREADS:-$$(nproc)} $(if $(TCMALLOC),LD_PRELOAD=$(TCMALLOC)) \
	    $(DOTNET) $(TRAINER_BENCH) --dtype fp32 --method $$method --steps $(BENCH_STEPS); \
	done

.PHONY: profile-trainer

# Forward / backward / update times of full fine-tuning and LoRA stepped in turn in one process, with their ratio
# (wall and CPU time), so a busy machine slows both alike.
profile-trainer: ## Per-phase step times of full vs LoRA on the reference model, as JSON lines
	$(DOTNET) build trainer/FineTune.Trainer.Bench/FineTune.Trainer.Bench.csproj -c $(CONFIGURATION) -nologo -v:q
	@OMP_NUM_THREADS=$${OMP_NUM_THREADS:-$$(nproc)} $(if $(TCMALLOC),LD_PRELOAD=$(TCMALLOC)) \
	  $(DOTNET) $(TRAINER_BENCH) --dtype fp32 --profile $${PROFILE_METHODS:-full,lora} --steps $(BENCH_STEPS)
