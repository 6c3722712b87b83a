// train.py: the playground's run on transformers.Trainer + PEFT, one GPU or many under accelerate
// (DDP, FSDP, DeepSpeed ZeRO-2). It reads the pre-tokenized examples, so the labels are the
// playground's whatever the transformers version; hyperparameters come whole from playground_config.json.
// Saving follows PEFT's FSDP guide (docs/source/accelerate/fsdp.md: FULL_STATE_DICT before saving).
export const TRAIN_FILE = "train.py";

export const TRAIN_SCRIPT = String.raw`"""Fine-tune the playground's LoRA adapter with transformers.Trainer + PEFT.

  python train.py                                                     # one GPU (or CPU)
  accelerate launch --config_file accelerate/ddp_8gpu.yaml train.py   # 8 GPUs, DDP
  sbatch slurm/train.sbatch                                           # a Slurm cluster

Everything the run depends on is in playground_config.json: LoraConfig(**lora_config),
TrainingArguments(**training_arguments). The adapter goes to OUTPUT_DIR/adapter, the logged loss to
OUTPUT_DIR/trainer_state.json (drop it on the run in the playground to overlay the two curves).
"""

from playground_common import (
    PadCollator,
    base_model_name,
    load_config,
    load_model_and_tokenizer,
    load_tokenized,
    lora_config,
    pad_token_id,
    training_arguments,
    training_flags,
)


def main():
    flags = training_flags(__doc__, "out")

    import torch
    from peft import get_peft_model
    from transformers import Trainer, TrainingArguments

    config = load_config()
    model, tokenizer = load_model_and_tokenizer(config, base_model_name(config, flags.base_model), torch.float32)
    model = get_peft_model(model, lora_config(config, model))
    model.print_trainable_parameters()
    args = training_arguments(config, TrainingArguments, flags.output_dir, flags.bf16)
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=load_tokenized(config),
        data_collator=PadCollator(pad_token_id(config, tokenizer)),
    )
    trainer.train()
    trainer.save_state()  # OUTPUT_DIR/trainer_state.json: log_history has every step's loss

    if getattr(trainer, "is_fsdp_enabled", False):
        trainer.accelerator.state.fsdp_plugin.set_state_dict_type("FULL_STATE_DICT")
    state_dict = trainer.accelerator.get_state_dict(trainer.model)  # gathered on rank 0 under FSDP
    if trainer.is_world_process_zero():
        adapter_dir = f"{flags.output_dir}/adapter"
        # save_embedding_layers=False: the playground rebuilds the added rows itself (mean of the old rows),
        # and the trained ones are in trainable_tokens_delta, so the adapter stays small and loads back.
        trainer.accelerator.unwrap_model(trainer.model).save_pretrained(
            adapter_dir, state_dict=state_dict, save_embedding_layers=False
        )
        tokenizer.save_pretrained(adapter_dir)
        print(f"wrote {adapter_dir}/adapter_model.safetensors and {flags.output_dir}/trainer_state.json")


if __name__ == "__main__":
    main()
`;
