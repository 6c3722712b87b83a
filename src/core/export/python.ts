// The export's Python scripts, kept as Python in ./python/ (python.test.ts compiles and lints them) and
// imported as text. They are the same for every export: everything that varies is in
// playground_config.json, which they read whole.
//
// playground_common.py: what the scripts share. Written after transformers' Trainer docs
// (TrainingArguments, resize_token_embeddings), PEFT's LoraConfig (tuners/lora/config.py,
// trainable_token_indices since 0.15) and the datasets JSON loader.
import common from "./python/playground_common.py?raw";
// train.py: transformers.Trainer + PEFT, one GPU or many under accelerate (DDP, FSDP, DeepSpeed ZeRO-2).
// It reads the pre-tokenized examples, so the labels are the playground's whatever the transformers
// version. Saving follows PEFT's FSDP guide (docs/source/accelerate/fsdp.md: FULL_STATE_DICT before saving).
import train from "./python/train.py?raw";
// evaluate.py: each example's loss under PEFT with an adapter. The playground's `npm run -s cli --
// evaluate` prints the same lines for the same adapter (transformers' causal-LM loss: labels shifted by
// one, -100 ignored, a mean over the trained tokens, as engine/loss.ts computes it).
import evaluate from "./python/evaluate.py?raw";
// trl_sft.py: the same run on TRL's SFTTrainer, on the pre-tokenized examples rather than on
// messages.jsonl: SFTTrainer would format the messages with the tokenizer's chat template and mask by its
// own rules (assistant_only_loss needs {% generation %} blocks), which equals the playground only for the
// chat-template strategy. With a "labels" column TRL 1.x (trl/trainer/sft_trainer.py: "a dataset that
// already provides a labels column is left as is") trains on exactly those labels; older TRL rebuilt
// labels from completion_mask, which the script also provides (labels != -100), so both give the same.
// SFTConfig's packing comes from playground_config.json's sft_arguments (the table's packing setting, through
// toHf). SFTConfig's own defaults (bf16, gradient checkpointing, max_length 1024, learning rate 2e-5) are
// replaced by the playground's.
import trl from "./python/trl_sft.py?raw";

export const COMMON_FILE = "playground_common.py";
export const TRAIN_FILE = "train.py";
export const EVALUATE_FILE = "evaluate.py";
export const TRL_FILE = "trl_sft.py";

/** Every Python file of an export, named as in ./python/ and in the export's folder. */
export const PYTHON_FILES: Array<{ path: string; text: string }> = [
  { path: COMMON_FILE, text: common },
  { path: TRAIN_FILE, text: train },
  { path: EVALUATE_FILE, text: evaluate },
  { path: TRL_FILE, text: trl },
];
