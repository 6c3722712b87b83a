// trl_sft.py: the same run on TRL's SFTTrainer. It trains on the pre-tokenized examples rather than on
// messages.jsonl: SFTTrainer would format the messages with the tokenizer's chat template and mask by
// its own rules (assistant_only_loss needs {% generation %} blocks), which equals the playground only
// for the chat-template strategy. With a "labels" column TRL (1.x, trl/trainer/sft_trainer.py: "a dataset
// that already provides a labels column is left as is") trains on exactly those labels; older TRL rebuilt
// labels from completion_mask, which the script also provides (labels != -100), so both give the same.
// SFTConfig's own defaults (bf16=True, gradient_checkpointing=True, max_length=1024, learning_rate=2e-5)
// are overridden: the playground's values come from playground_config.json.
export const TRL_FILE = "trl_sft.py";

export const TRL_SCRIPT = String.raw`"""Fine-tune the playground's LoRA adapter with TRL's SFTTrainer, on the playground's own labels.

  python trl_sft.py
  accelerate launch --config_file accelerate/ddp_8gpu.yaml trl_sft.py

SFTConfig(**training_arguments) and LoraConfig(**lora_config) from playground_config.json, as train.py.
It trains on data/tokenized.jsonl, not on data/messages.jsonl: SFTTrainer would format the messages
with the tokenizer's chat template and mask by its own rules, which is the playground's masking only
for its chat-template strategy. SFTConfig's own defaults (bf16, gradient checkpointing, max_length
1024, learning rate 2e-5) are replaced by the playground's.
"""

from playground_common import (
    IGNORE_INDEX,
    base_model_name,
    load_config,
    load_model_and_tokenizer,
    load_tokenized,
    lora_config,
    training_arguments,
    training_flags,
)


def main():
    flags = training_flags(__doc__, "out-trl")

    import torch
    from trl import SFTConfig, SFTTrainer

    config = load_config()
    model, tokenizer = load_model_and_tokenizer(config, base_model_name(config, flags.base_model), torch.float32)
    dataset = load_tokenized(config).map(
        lambda example: {"completion_mask": [int(label != IGNORE_INDEX) for label in example["labels"]]}
    )
    args = training_arguments(
        config,
        SFTConfig,
        flags.output_dir,
        flags.bf16,
        # The examples are already cut to the playground's max_seq_length; TRL's max_length would also drop
        # examples with no trained token, which the playground keeps (they add no loss but take a step's slot).
        max_length=None,
        packing=False,
        completion_only_loss=True,
        gradient_checkpointing=False,
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora_config(config, model),
    )
    trainer.train()
    trainer.save_state()
    if getattr(trainer, "is_fsdp_enabled", False):
        trainer.accelerator.state.fsdp_plugin.set_state_dict_type("FULL_STATE_DICT")
    state_dict = trainer.accelerator.get_state_dict(trainer.model)
    if trainer.is_world_process_zero():
        adapter_dir = f"{flags.output_dir}/adapter"
        trainer.accelerator.unwrap_model(trainer.model).save_pretrained(
            adapter_dir, state_dict=state_dict, save_embedding_layers=False
        )
        tokenizer.save_pretrained(adapter_dir)
        print(f"wrote {adapter_dir}/adapter_model.safetensors and {flags.output_dir}/trainer_state.json")


if __name__ == "__main__":
    main()
`;
