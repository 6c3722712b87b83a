"""Fine-tune the playground's LoRA adapter with transformers.Trainer + PEFT.

  python train.py                                                     # one GPU (or CPU)
  accelerate launch --config_file accelerate/ddp_8gpu.yaml train.py   # 8 GPUs, DDP
  sbatch slurm/train.sbatch                                           # a Slurm cluster

Everything the run depends on is in playground_config.json: LoraConfig(**lora_config),
TrainingArguments(**training_arguments). The adapter goes to OUTPUT_DIR/adapter, the logged loss to
OUTPUT_DIR/trainer_state.json (drop it on the run in the playground to overlay the two curves).
"""

from playground_common import (
    PadCollator,
    load_eval_tokenized,
    load_tokenized,
    lora_config,
    pad_token_id,
    save_results,
    start_training,
    training_arguments,
)


def main():
    flags, config, model, tokenizer = start_training(__doc__, "out")
    from peft import get_peft_model
    from transformers import Trainer, TrainingArguments

    model = get_peft_model(model, lora_config(config, model))
    model.print_trainable_parameters()
    args = training_arguments(config, TrainingArguments, flags.output_dir, flags.bf16)
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=load_tokenized(config),
        eval_dataset=load_eval_tokenized(config),
        data_collator=PadCollator(pad_token_id(config, tokenizer)),
    )
    trainer.train()
    save_results(trainer, tokenizer, flags.output_dir)


if __name__ == "__main__":
    main()
