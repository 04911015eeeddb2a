# Trainer runs from the command line. tcmalloc is preloaded when installed (it nearly doubles CPU training
# throughput, environment.md; mk/trainer.mk's ci-deps installs it) and libtorch gets one thread per CPU unless
# OMP_NUM_THREADS says otherwise.
TRAINER_TCMALLOC := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib64/libtcmalloc_minimal.so.4))
TRAINER_DLL := trainer/FineTune.Trainer.Cli/bin/$(CONFIGURATION)/net10.0/trainer.dll
TRAINER_RUN = OMP_NUM_THREADS=$${OMP_NUM_THREADS:-$$(nproc)} $(if $(TRAINER_TCMALLOC),LD_PRELOAD=$(TRAINER_TCMALLOC)) $(DOTNET) $(TRAINER_DLL)

.PHONY: trainer-build train trainer

trainer-build:
	$(DOTNET) build trainer/FineTune.Trainer.Cli/FineTune.Trainer.Cli.csproj -c $(CONFIGURATION) -nologo -v:q

train: trainer-build ## Train a FineTuneJob on this machine: make train JOB=job.yaml [STAGE=train] [RUN_ID=id]
	@test -n "$(JOB)" || { echo "usage: make train JOB=path/to/job.yaml [STAGE=s] [RUN_ID=id]"; exit 2; }
	$(TRAINER_RUN) run $(JOB) $(if $(STAGE),--stage $(STAGE)) $(if $(RUN_ID),--run-id $(RUN_ID))

trainer: trainer-build ## Any trainer command with tcmalloc preloaded: make trainer ARGS="eval --model DIR --data FILE"
	$(TRAINER_RUN) $(ARGS)
