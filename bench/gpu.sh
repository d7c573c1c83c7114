#!/usr/bin/env bash
# GPU benchmark of the project's real path, in one prepared run of at most 8 minutes (DEADLINE, seconds):
#  1. a synthetic labelled split at the competition's real frame and box sizes (bench/synth_split.py), sized so that one
#     epoch of fold 0 of 2 is STEPS steps of BS (2 x BS x STEPS ROIs, plus half a batch per fold that drop_last drops);
#  2. `fathomnbs-train` at the presets' real sizes (pretrained=False), one epoch of fold 0, with --profile true, for each
#     of RUNS (preset:precision:channels-last[:global batch[:compile]], space-separated; by default `second-place`
#     (V2-M on the ROI at 224, V2-S on the frame at 384) with the old settings (fp16, no channels-last, batch 32) beside
#     the new defaults (bf16, channels-last, batch 128), `first-place` (ROI, 3x and 5x context and the frame through one
#     DINOv2 ViT-B at 256, attention fusion) with the new defaults, and last the new defaults compiled (`beyond` on
#     request: it is first-place's step with other loss weights);
#     PRECISION=1 adds second-place in fp32 and bf16 without channels-last); from each run's fold0/steps.csv
#     (bench/gpu_summary.py): median step, ROIs/s, the share of time spent waiting for data, peak memory, and the
#     projected time of 5 folds x 50 epochs over 23,700 ROIs;
#  3. `fathomnbs-predict` with each preset's first finished run on a test-shaped unlabelled split (TEST_FRAMES frames,
#     ~2.42 ROIs each), projected to the 788 test ROIs x 5 folds (x 2 views, the default TTA).
# bench/gpu_step.py is the plain-PyTorch-loop comparison (synthetic tensors, no data loading); this script does not run it.
# Usage, from anywhere, on the GPU machine (the project importable: installed, or this checkout, which is put on PYTHONPATH):
#   bash bench/gpu.sh            results table to $OUT/gpu_results.txt if $OUT is set, else bench/gpu_results.txt
#   DRY=1 bash bench/gpu.sh      print the commands only (and check the summariser); runs nothing else
# Knobs (environment): RUNS PRECISION STEPS BS TEST_FRAMES DEADLINE T_TRAIN T_PREDICT PY TRAIN PREDICT TEST_JSON, KEEP=1
# (keep the temporary folder), ALLOW_CPU=1 (run without a GPU), EXTRA (more arguments for every training run, e.g.
# "--roi-size 56 --frame-size 56" to rehearse the script on a CPU).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
PY=${PY:-python3}
# the console scripts when installed, else the same entry points (pyproject.toml's [project.scripts]) through bench/entry.py
# (TRAIN and PREDICT may also be given in the environment)
if [[ -z ${TRAIN:-} ]]; then command -v fathomnbs-train >/dev/null 2>&1 && TRAIN=fathomnbs-train || TRAIN="$PY bench/entry.py fathomnbs-train"; fi
if [[ -z ${PREDICT:-} ]]; then command -v fathomnbs-predict >/dev/null 2>&1 && PREDICT=fathomnbs-predict || PREDICT="$PY bench/entry.py fathomnbs-predict"; fi

STEPS=${STEPS:-12}; BS=${BS:-128}; TEST_FRAMES=${TEST_FRAMES:-40}   # BS: the largest global batch of RUNS
DEADLINE=${DEADLINE:-480}                       # seconds for the whole script
T_ENV=60; T_SYNTH=90; T_TRAIN=${T_TRAIN:-120}; T_PREDICT=${T_PREDICT:-90}   # each step's own timeout
PREDICT_MIN=${PREDICT_MIN:-40}                  # kept back from the training runs for each preset's prediction
NW=$(nproc)
ROIS=$(( 2*BS*STEPS + BS ))                     # fold 0 trains on ROIS/2 = STEPS full batches + half a batch
FRAMES=$(( (ROIS*100 + 241) / 242 ))            # at the test set's 2.42 ROIs per frame
# preset:--mixed-precision:--channels-last[:--bs[:--compile]] (bs default $BS, compile default false)
RUNS=${RUNS:-second-place:fp16:false:32 second-place:bf16:true:$BS first-place:bf16:true:$BS second-place:bf16:true:$BS:true}  # compiled last (its compile takes minutes); beyond: add beyond:bf16:true:128
[[ -n ${PRECISION:-} ]] && RUNS="$RUNS second-place:no:true:$BS second-place:bf16:false:$BS"
read -ra SETTINGS <<<"$RUNS"
EXTRA_ARGS=(); [[ -n ${EXTRA:-} ]] && read -ra EXTRA_ARGS <<<"$EXTRA"
name() { local mp=${2/no/fp32} c=""; [[ ${5:-false} != false ]] && c=", compiled"
  [[ $3 == true ]] && echo "$1, $mp, channels-last, bs $4$c" || echo "$1, $mp, no channels-last, bs $4$c"; }
tag() { local mp=${2/no/fp32} c=""; [[ ${5:-false} != false ]] && c="_compiled"
  [[ $3 == true ]] && echo "${1}_${mp}_cl_bs$4$c" || echo "${1}_${mp}_nocl_bs$4$c"; }

T0=$SECONDS
if [[ -n ${DRY:-} ]]; then TMP=/tmp/fathomnbs-gpu.DRY; else TMP=$(mktemp -d "${TMPDIR:-/tmp}/fathomnbs-gpu.XXXXXX"); fi
[[ -z ${KEEP:-} && -z ${DRY:-} ]] && trap 'rm -rf "$TMP"' EXIT
RES=${OUT:+$OUT/gpu_results.txt}; RES=${RES:-$ROOT/bench/gpu_results.txt}
LOGS=${OUT:+$OUT/gpu_logs}; LOGS=${LOGS:-$TMP/logs}
[[ -z ${DRY:-} ]] && mkdir -p "$LOGS"
WALL=; RESERVE=0   # the last step's wall time; seconds of the deadline kept for later steps

# step NAME SECONDS CMD...: run CMD under its own timeout (capped by what the deadline leaves), output to $LOGS/NAME.log
step() {
  local nm=$1 lim=$2; shift 2
  local left=$(( DEADLINE - (SECONDS - T0) - RESERVE ))
  WALL=
  (( lim > left )) && lim=$left
  if [[ -n ${DRY:-} ]]; then echo "+ [$nm; timeout ${lim}s] $*"; return 0; fi
  if (( lim < 10 )); then echo "+ [$nm] skipped: the ${DEADLINE} s deadline is reached"; echo "skipped: deadline" >"$LOGS/$nm.log"; return 124; fi
  echo "+ [$nm; timeout ${lim}s] $*"
  local t=$(date +%s.%N)
  timeout -k 10 "$lim" "$@" >"$LOGS/$nm.log" 2>&1; local rc=$?
  WALL=$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  if (( rc )); then
    echo "  FAILED (exit $rc$( ((rc==124)) && echo ': timed out')) after ${WALL}s; the log's last lines:"
    grep -v -e FutureWarning -e '^  warnings.warn(' "$LOGS/$nm.log" | tail -n 15 | sed 's/^/  | /'
  else echo "  ok in ${WALL}s"; fi
  return $rc
}
skip() { echo "+ [$1] skipped: $2"; [[ -n ${DRY:-} ]] || echo "skipped: $2" >"$LOGS/$1.log"; }

echo "== fathomnbs GPU benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
if [[ -n ${DRY:-} ]]; then echo "+ nvidia-smi --query-gpu=name,memory.total --format=csv,noheader"; GPU="(dry run)"
else GPU=$(timeout 20 nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>&1 | head -n 4); echo "$GPU"; fi
VERS='import sys, torch, timm, fastai; print(f"python {sys.version.split()[0]}, torch {torch.__version__} (CUDA {torch.version.cuda}), timm {timm.__version__}, fastai {fastai.__version__}; cuda available: {torch.cuda.is_available()}")'
if [[ -n ${DRY:-} ]]; then echo "+ $PY -c '$VERS'"; VER="(dry run)"
else
  VER=$(timeout $T_ENV $PY -W ignore -c "$VERS" 2>&1 | tail -n 1); echo "$VER"
  if [[ $VER != *"cuda available: True"* && -z ${ALLOW_CPU:-} ]]; then
    echo "no CUDA GPU here: this benchmark is for a GPU machine (DRY=1 prints its commands; ALLOW_CPU=1 runs it anyway)"; exit 1
  fi
fi
echo "train: $TRAIN | predict: $PREDICT | $NW CPU cores | split: $FRAMES frames, $ROIS ROIs -> fold 0 of 2: $STEPS steps of $BS (more of a smaller batch)"

SPLIT=$TMP/split; TESTSPLIT=$TMP/test; CACHE=$TMP/cache
TJ=(); [[ -n ${TEST_JSON:-} ]] && TJ=(--test-json "$TEST_JSON")
step synth $T_SYNTH $PY bench/synth_split.py --frames $FRAMES --rois $ROIS --out "$SPLIT" --labelled --seed 0 --workers "$NW" ${TJ[@]+"${TJ[@]}"}
OK_SPLIT=$?
[[ -z ${DRY:-} ]] && grep -h '^note\|frames,' "$LOGS/synth.log" | sed 's/^/  /'
step synth_test 30 $PY bench/synth_split.py --frames $TEST_FRAMES --out "$TESTSPLIT" --unlabelled --seed 1 --workers "$NW" ${TJ[@]+"${TJ[@]}"}
OK_TEST=$?
[[ -z ${DRY:-} ]] && grep -h '^note\|frames,' "$LOGS/synth_test.log" | sed 's/^/  /'

ROWS=(); PRESETS=(); declare -A DONE=()   # DONE[preset] = its first finished run, the one prediction uses
for s in "${SETTINGS[@]}"; do pre=${s%%:*}; [[ " ${PRESETS[*]} " == *" $pre "* ]] || PRESETS+=("$pre"); done
RESERVE=$(( PREDICT_MIN * ${#PRESETS[@]} ))   # kept back from training for one prediction per preset
for s in "${SETTINGS[@]}"; do
  IFS=: read -r pre mp cl bs cmp <<<"$s"; bs=${bs:-$BS}; cmp=${cmp:-false}; k=$(tag $pre $mp $cl $bs $cmp); RUN=$TMP/run_$k
  if (( OK_SPLIT )); then skip train_$k "no training split"; ROWS+=("| $(name $pre $mp $cl $bs $cmp) | no training split | | | | | | | |"); continue; fi
  # one epoch of fold 0 only: no final fit (it needs every fold), no export
  lim=$T_TRAIN; [[ $cmp != false ]] && lim=$(( T_TRAIN + 120 ))   # compiling the two streams (training and evaluation graphs) takes minutes
  step train_$k $lim $TRAIN --preset $pre --data "$SPLIT" --out "$RUN" --pretrained false --epochs 1 --folds 2 \
    --run-folds 0 --bs $bs --compile $cmp --num-workers $(( NW>2 ? NW-2 : 0 )) --mixed-precision $mp --channels-last $cl --profile true --export false \
    --final-fit false --cache "$CACHE" ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}
  rc=$?; (( rc == 0 )) && [[ -z ${DONE[$pre]:-} ]] && DONE[$pre]=$RUN
  [[ -n ${DRY:-} ]] && { DONE[$pre]=$RUN; continue; }
  $PY bench/gpu_summary.py config "$RUN" | sed 's/^/  /'
  r=$($PY bench/gpu_summary.py steps "$RUN/fold0/steps.csv" "$(name $pre $mp $cl $bs $cmp)"); echo "  $r"; ROWS+=("$r")
  [[ -n ${OUT:-} && -f $RUN/fold0/steps.csv ]] && cp "$RUN/fold0/steps.csv" "$OUT/steps_$k.csv"
done

PL=()
for pre in "${PRESETS[@]}"; do
  RESERVE=$(( RESERVE - PREDICT_MIN ))
  PRED=$TMP/pred_$pre
  if (( OK_TEST )); then skip predict_$pre "no test split"
  elif [[ -z ${DONE[$pre]:-} ]]; then skip predict_$pre "no $pre training run finished"
  else step predict_$pre $T_PREDICT $PREDICT "${DONE[$pre]}" "$TESTSPLIT" --out "$PRED" --bs 64; fi
  [[ -n ${DRY:-} ]] && continue
  PL+=("$pre $($PY bench/gpu_summary.py predict "$LOGS/predict_$pre.log" ${WALL:+--wall $WALL} --pred "$PRED")")
done
if [[ -n ${DRY:-} ]]; then
  echo "(dry run: nothing was run; the summariser's own check follows)"; $PY bench/gpu_summary.py selftest; exit 0
fi

{ echo "fathomnbs GPU benchmark, $(date -u +%Y-%m-%d), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "GPU: $GPU"; echo "$VER"; echo "$NW CPU cores, --num-workers $(( NW>2 ? NW-2 : 0 ))"
  echo "presets at their real sizes (second-place: V2-M ROI 224 + V2-S frame 384; first-place and beyond: ROI, 3x, 5x and frame through one ViT-B/14 DINOv2 at 256, attention fusion), pretrained=False${EXTRA:+, with $EXTRA}, the global batch of each row, fold 0 of 2 of a synthetic split of $FRAMES full-size frames / $ROIS ROIs; first 2 steps left out"
  echo "projection: (23,700 x 4/5)/bs x (median step + median data wait) x 1.15 for validation, x 5 folds x 50 epochs"
  echo
  $PY bench/gpu_summary.py header
  printf '%s\n' "${ROWS[@]}"
  echo
  printf '%s\n' "${PL[@]}"
  echo "total: $(( SECONDS - T0 )) s of the ${DEADLINE} s deadline"
} > "$RES.tmp"
echo; echo "== results ($RES)"; cat "$RES.tmp"; mv "$RES.tmp" "$RES"
