#!/usr/bin/env bash
# One short prepared GPU run (fits a 15-minute device budget): the second-place training step at real sizes,
# in bf16 and fp16 with channels-last, and fp32 as the baseline, on the same warm machine.
# Usage on the GPU machine, from the repository root (the project installed, or PYTHONPATH=.):  bash bench/gpu.sh
set -euo pipefail
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
for dt in bf16 fp16 fp32; do python bench/gpu_step.py --dtype $dt --steps 20; done
python bench/gpu_step.py --dtype bf16 --channels-last 0 --steps 20
