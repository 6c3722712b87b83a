"""Fine-tune the playground's LoRA adapter with TRL's SFTTrainer, on the playground's own labels.

  python trl_sft.py
  accelerate launch --config_file accelerate/ddp_8gpu.yaml trl_sft.py

SFTConfig(**training_arguments) and LoraConfig(**lora_config) from playground_config.json, as train.py, with
its sft_arguments (packing, packing_strategy, padding_free, max_length). Packed bfd rows keep their sequences
apart only with a FlashAttention implementation or transformers' packed position_ids masks; TRL warns otherwise.
It trains on data/tokenized.jsonl, not on data/messages.jsonl: SFTTrainer would format the messages
with the tokenizer's chat template and mask by its own rules, which is the playground's masking only
for its chat-template strategy. SFTConfig's own defaults (bf16, gradient checkpointing, max_length
1024, learning rate 2e-5) are replaced by the playground's.
"""

from playground_common import (
    IGNORE_INDEX,
    load_eval_tokenized,
    load_tokenized,
    lora_config,
    save_results,
    start_training,
    training_arguments,
)


def main():
    flags, config, model, tokenizer = start_training(__doc__, "out-trl")
    from trl import SFTConfig, SFTTrainer

    def with_completion_mask(dataset):
        return dataset.map(lambda example: {"completion_mask": [int(label != IGNORE_INDEX) for label in example["labels"]]})

    dataset = with_completion_mask(load_tokenized(config))
    eval_dataset = load_eval_tokenized(config)
    sft = config["sft_arguments"]
    args = training_arguments(
        config,
        SFTConfig,
        flags.output_dir,
        flags.bf16,
        # Unpacked, the examples are already cut to the playground's max_seq_length; TRL's max_length would also
        # drop examples with no trained token, which the playground keeps (they add no loss but take a step's slot).
        # Packed, TRL packs them into rows of max_length with the playground's strategy (bfd: padding-free).
        max_length=sft["max_length"] if sft["packing"] else None,
        packing=sft["packing"],
        packing_strategy=sft["packing_strategy"],
        padding_free=sft["padding_free"],
        completion_only_loss=True,
        gradient_checkpointing=False,
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        eval_dataset=None if eval_dataset is None else with_completion_mask(eval_dataset),
        processing_class=tokenizer,
        peft_config=lora_config(config, model),
    )
    trainer.train()
    save_results(trainer, tokenizer, flags.output_dir)


if __name__ == "__main__":
    main()
