#!/usr/bin/env bash
# `make demo`: a real fine-tuning job on this machine through the local cluster mode (API server, operator, trainer
# processes), no cluster and no object store. Everything it creates lives under .demo/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../../.."

CONFIGURATION="${CONFIGURATION:-Release}"
DOTNET="${DOTNET:-dotnet}"
DEMO=.demo
TRAINER="trainer/FineTune.Trainer.Cli/bin/$CONFIGURATION/net10.0/trainer"
LOCALCLUSTER="operator/FineTune.LocalCluster/bin/$CONFIGURATION/net10.0/localcluster"
DATA=examples/data/reverse-words
MANIFEST=examples/quickstart.yaml
SEQUENCE_LENGTH=64   # the quickstart's hyperparameters.sequenceLength
# The job's time limit: ample on an idle 2-core machine; raise it on a busy one (DEMO_JOB_TIMEOUT=00:30:00 make demo).
DEMO_JOB_TIMEOUT="${DEMO_JOB_TIMEOUT:-00:04:30}"

# Direct trainer runs get what the local kubelet gives trainer pods: tcmalloc when installed, threads from the cores.
TCMALLOC="$(ls /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4 2>/dev/null | head -1 || true)"
trainer() { env ${TCMALLOC:+LD_PRELOAD=$TCMALLOC} OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}" "$TRAINER" "$@"; }

say() { printf '\n== %s\n' "$*"; }
not_ready() { printf 'make demo is not ready yet: %s\n' "$*" >&2; exit 1; }

# Build what the demo runs when `make build` has not (incremental, quick when it has).
# Always build (incremental, seconds when up to date), so the demo never runs binaries older than the sources.
say "building the trainer and the local cluster"
"$DOTNET" build operator/FineTune.LocalCluster -c "$CONFIGURATION" --nologo -v quiet
"$DOTNET" build trainer/FineTune.Trainer.Cli -c "$CONFIGURATION" --nologo -v quiet
for command in init eval run; do
  "$TRAINER" "$command" --help >/dev/null 2>&1 || not_ready "the trainer has no '$command' command in this build."
done
[ -f "$DATA/train.jsonl" ] && [ -f "$DATA/validation.jsonl" ] || not_ready "the bundled dataset $DATA/{train,validation}.jsonl is missing."

mkdir -p "$DEMO/data"
echo '*' > "$DEMO/.gitignore"
cp "$DATA/train.jsonl" "$DEMO/data/train.jsonl"
cp "$DATA/validation.jsonl" "$DEMO/data/val.jsonl"
say "dataset: $(wc -l < "$DEMO/data/train.jsonl") training and $(wc -l < "$DEMO/data/val.jsonl") validation records (reverse the words), in $DEMO/data"

if [ ! -f "$DEMO/model/config.json" ]; then
  say "creating a tiny GPT-2-style model with random weights: trainer init"
  # The GPT-2 tokenizer keeps each record within the quickstart's 64-token sequences (bytes would not).
  trainer init --architecture gpt2 --size tiny --tokenizer gpt2 --max-positions 128 --output "$DEMO/model"
fi

evaluate() { trainer eval --model "$1" --data "$DEMO/data/val.jsonl" --format instruction --sequence-length "$SEQUENCE_LENGTH"; }
say "evaluating the base model on the validation set"
evaluate "$DEMO/model" | tee "$DEMO/eval-before.json"

run_job() {
  say "running $1 on the local cluster (API server + operator + trainer processes)"
  "$LOCALCLUSTER" run "$1" --state "$DEMO/cluster" --command "trainer=$TRAINER" --timeout "$DEMO_JOB_TIMEOUT" | tee "$DEMO/run.log"
}

run_job "$MANIFEST" || { echo "the demo job failed: see the pod logs above" >&2; exit 1; }

merged="$(find "$DEMO/runs" -path '*/merged/config.json' -printf '%T@ %h\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-)"
adapter="$(find "$DEMO/runs" -type d -name adapter -printf '%T@ %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-)"
[ -n "$merged" ] || { echo "the job succeeded but no merged model was found under $DEMO/runs" >&2; exit 1; }
say "evaluating the fine-tuned model on the validation set"
evaluate "$merged" | tee "$DEMO/eval-after.json"

say "before and after (validation set)"
echo "  before: $(cat "$DEMO/eval-before.json")"
echo "  after:  $(cat "$DEMO/eval-after.json")"
say "outputs"
echo "  merged model: $merged"
[ -z "$adapter" ] || echo "  adapter:      $adapter"
echo "  pod logs:     $DEMO/cluster/pods/default/"
echo "  try it:       $TRAINER generate --help"
