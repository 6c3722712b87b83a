// accelerate configs (one GPU, 8-GPU DDP, 8-GPU FSDP, 8-GPU DeepSpeed ZeRO-2) and a Slurm batch
// script. Key names as `accelerate config` writes them, following PEFT's examples/sft/configs/*.yaml.
// Mixed precision stays off: the playground trains in float32 (train.py --bf16 turns it on).
import { toHf } from "../settings/hf";
import type { TrainingSettings } from "../settings/trainingSettings";
import type { ExportFile } from "./types";

const COMMON = ["compute_environment: LOCAL_MACHINE", "debug: false", "machine_rank: 0", "main_training_function: main"];
const TAIL = ["mixed_precision: 'no'", "num_machines: 1", "rdzv_backend: static", "same_network: true", "use_cpu: false"];

function config(comment: string, lines: string[], processes: number): string {
  return [`# ${comment}`, ...COMMON, ...lines, ...TAIL, `num_processes: ${processes}`, ""].join("\n");
}

export const ACCELERATE_FILES = {
  single: "accelerate/single_gpu.yaml",
  ddp: "accelerate/ddp_8gpu.yaml",
  fsdp: "accelerate/fsdp_8gpu.yaml",
  zero2: "accelerate/deepspeed_zero2_8gpu.yaml",
} as const;
export const SLURM_FILE = "slurm/train.sbatch";

/**
 * DeepSpeed's gradient_accumulation_steps and gradient_clipping must equal TrainingArguments' (transformers'
 * HfTrainerDeepSpeedConfig refuses a config whose values mismatch them), so they come from the settings.
 */
export function accelerateFiles(settings: TrainingSettings): ExportFile[] {
  const { gradient_accumulation_steps: accumulation, max_grad_norm: clipping } = toHf(settings).trainingArguments;
  return [
    {
      path: ACCELERATE_FILES.single,
      text: config(
        "One GPU: accelerate launch --config_file accelerate/single_gpu.yaml train.py",
        ["distributed_type: 'NO'", "gpu_ids: '0'"],
        1,
      ),
    },
    {
      path: ACCELERATE_FILES.ddp,
      text: config(
        "8 GPUs, data parallel (DDP): every GPU holds the model; the playground's batch is split over them when it divides (see playground_common.py).",
        ["distributed_type: MULTI_GPU", "gpu_ids: all"],
        8,
      ),
    },
    {
      path: ACCELERATE_FILES.fsdp,
      text: config(
        "8 GPUs, FSDP: the base model is sharded. use_orig_params: true because LoRA and trainable token rows mix trainable and frozen parameters in one layer (PEFT's LoraConfig help on trainable_token_indices); train.py saves with FULL_STATE_DICT (PEFT docs/source/accelerate/fsdp.md).",
        [
          "distributed_type: FSDP",
          "downcast_bf16: 'no'",
          "fsdp_config:",
          "  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP",
          "  fsdp_backward_prefetch: BACKWARD_PRE",
          "  fsdp_cpu_ram_efficient_loading: true",
          "  fsdp_forward_prefetch: false",
          "  fsdp_offload_params: false",
          "  fsdp_sharding_strategy: FULL_SHARD",
          "  fsdp_state_dict_type: FULL_STATE_DICT",
          "  fsdp_sync_module_states: true",
          "  fsdp_use_orig_params: true",
        ],
        8,
      ),
    },
    {
      path: ACCELERATE_FILES.zero2,
      text: config(
        "8 GPUs, DeepSpeed ZeRO-2: optimizer state and gradients sharded, parameters whole, so the adapter saves as on one GPU. gradient_clipping and gradient_accumulation_steps equal TrainingArguments'.",
        [
          "distributed_type: DEEPSPEED",
          "downcast_bf16: 'no'",
          "deepspeed_config:",
          "  deepspeed_multinode_launcher: standard",
          `  gradient_accumulation_steps: ${accumulation}`,
          `  gradient_clipping: ${clipping}`,
          "  offload_optimizer_device: none",
          "  offload_param_device: none",
          "  zero3_init_flag: false",
          "  zero_stage: 2",
        ],
        8,
      ),
    },
    { path: SLURM_FILE, text: SLURM_SCRIPT },
  ];
}

// One task per node; each runs `accelerate launch` for that node's 8 GPUs (accelerate's multi-node
// flags override the config's single-machine values). Single quotes: the variables expand per node.
const SLURM_SCRIPT = `#!/bin/bash
# The playground's run on a Slurm cluster: sbatch slurm/train.sbatch (from the export's folder).
# Edit the partition, the node count and the environment line for your cluster; the global batch is
# the playground's when it divides over nodes x 8 GPUs (see playground_common.py).
#SBATCH --job-name=playground-lora
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=8
#SBATCH --cpus-per-task=32
#SBATCH --time=04:00:00
#SBATCH --output=slurm-%x-%j.out
set -euo pipefail
cd "\${SLURM_SUBMIT_DIR}"
# source .venv/bin/activate   # an environment with requirements.txt installed
export MAIN_HOST="$(scontrol show hostnames "\${SLURM_JOB_NODELIST}" | head -n 1)"
srun bash -c 'accelerate launch --config_file accelerate/ddp_8gpu.yaml \\
  --num_machines "\${SLURM_NNODES}" --num_processes "$((SLURM_NNODES * 8))" \\
  --machine_rank "\${SLURM_NODEID}" --main_process_ip "\${MAIN_HOST}" --main_process_port 29500 \\
  train.py --output-dir out'
`;
