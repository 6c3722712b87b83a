#!/usr/bin/env bash
# The WebGPU training-step bench and PyTorch's on the same GPU, in one `device` call (issue 23,
# item 9). Prepare with `npm run bench:gpu-bundle`, then run with carry [".gpu"]:
#   bash bench/gpu/run.sh
# It unpacks .gpu (Node, the bundled bench, Dawn's Node bindings) into $WORK, installs the Vulkan
# loader and glvnd packages (the NVIDIA ICD needs them), times bench/torch_baseline.py (transformers +
# PEFT, fp32, eager, CUDA) and the engine on webgpu for each model, and writes every row as a JSON
# line to $OUT/bench.jsonl (the log to $OUT/log.txt), then prints a table of both.
# Settings (environment): MODELS, WORKLOAD (sft), STEPS (8), WARM_UP (5), BACKEND (webgpu), NARROW (1:
# --narrow), TORCH_DEVICE (cuda), PYTHON (python3), STEP_TIMEOUT (seconds a model may take, 150).
# Without a GPU, the same script checks the carried files: BACKEND=cpu TORCH_DEVICE=cpu NARROW=1.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

MODELS=${MODELS:-smollm2-135m qwen2.5-0.5b bloom-560m}
WORKLOAD=${WORKLOAD:-sft}
STEPS=${STEPS:-8}
WARM_UP=${WARM_UP:-5}
BACKEND=${BACKEND:-webgpu}
TORCH_DEVICE=${TORCH_DEVICE:-cuda}
PYTHON=${PYTHON:-python3}
STEP_TIMEOUT=${STEP_TIMEOUT:-150}
OUT=${OUT:-$(mktemp -d)}
WORK=${WORK:-/tmp/gpu-bench}
narrow=()
[ "${NARROW:-0}" = 1 ] && narrow=(--narrow)
rows="$OUT/bench.jsonl"
log="$OUT/log.txt"

say() { echo "run.sh: $*" | tee -a "$log" >&2; }
[ -f .gpu/bench.mjs.xz ] || {
  echo "run.sh: .gpu/bench.mjs.xz is missing: run npm run bench:gpu-bundle here, and name .gpu in the device call's carry." >&2
  exit 2
}
mkdir -p "$OUT" && : >"$rows" && : >"$log" || exit 2

# Node, the bundle and Dawn, unpacked outside the checkout: the bundle finds `webgpu` in $WORK/node_modules.
rm -rf "$WORK" && mkdir -p "$WORK/node_modules/webgpu/dist/linux-x64"
xz -dc .gpu/node.xz >"$WORK/node" && chmod +x "$WORK/node"
xz -dc .gpu/bench.mjs.xz >"$WORK/bench.mjs"
cp .gpu/node_modules/webgpu/index.js .gpu/node_modules/webgpu/package.json "$WORK/node_modules/webgpu/"
xz -dc .gpu/node_modules/webgpu/dist/linux-x64/dawn.node.xz >"$WORK/node_modules/webgpu/dist/linux-x64/dawn.node"
say "node $("$WORK/node" --version)"

if [ "$BACKEND" = webgpu ]; then
  # ../shared/gpu/README.md: without glvnd the NVIDIA ICD fails with "Could not get 'vkCreateInstance'".
  for f in .gpu/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
  [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
  say "vulkan loader: $(ldconfig -p | grep -c libvulkan) entries; VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee -a "$log"

# A failed run still leaves a row, so the table says which one failed and how.
failed() { # model, what, exit status
  "$PYTHON" -c 'import json, sys; print(json.dumps({"bench": "gpu", "model": sys.argv[1], "what": sys.argv[2], "error": f"exit {sys.argv[3]}" + (" (timed out)" if sys.argv[3] == "124" else "") + ", see log.txt"}))' "$@" >>"$rows"
}

for m in $MODELS; do
  spec="$WORK/spec-$m.json"
  "$WORK/node" "$WORK/bench.mjs" --model "$m" --workload "$WORKLOAD" --steps "$STEPS" --warm-up "$WARM_UP" "${narrow[@]}" --torch-spec >"$spec" 2>>"$log"
  status=$?
  [ $status = 0 ] || { failed "$m" spec $status; continue; }
  say "$m: PyTorch on $TORCH_DEVICE"
  PYTHONUNBUFFERED=1 timeout "$STEP_TIMEOUT" "$PYTHON" bench/torch_baseline.py --spec "$spec" --device "$TORCH_DEVICE" >>"$rows" 2>>"$log" || failed "$m" torch $?
done
for m in $MODELS; do
  say "$m: engine on $BACKEND"
  timeout "$STEP_TIMEOUT" "$WORK/node" "$WORK/bench.mjs" --model "$m" --workload "$WORKLOAD" --backend "$BACKEND" \
    --steps "$STEPS" --warm-up "$WARM_UP" "${narrow[@]}" >>"$rows" 2>>"$log" || failed "$m" "$BACKEND" $?
done

"$PYTHON" - "$rows" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"{'model':14} {'what':8} {'ms/step':>9} {'dispatches':>10} {'submits':>7} {'GPU MB':>8}  first losses / error")
for r in rows:
    what = "torch" if r.get("baseline") == "torch" else r.get("backend") or r.get("what")
    mb = r.get("gpu_bytes_peak") or r.get("gpu_bytes_allocated")
    losses = ", ".join(f"{x:.4f}" for x in r.get("losses", []))
    col = lambda key: "-" if r.get(key) is None else str(r[key])
    print(f"{r['model']:14} {what:8} {col('ms_per_step'):>9} {col('dispatches_per_step'):>10} {col('submits_per_step'):>7} "
          f"{round(mb / 1e6) if mb else '-':>8}  {r.get('error') or losses}")
EOF
say "rows in $rows"
