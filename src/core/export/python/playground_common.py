"""Shared by train.py, trl_sft.py and evaluate.py: the playground's settings (playground_config.json),
its pre-tokenized examples, and the base model prepared as the playground prepared it."""

import dataclasses
import inspect
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG_VERSION = 1
IGNORE_INDEX = -100


def fail(message):
    """One line on stderr saying what went wrong and what to do, then exit code 2."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def start_training(description, default_output_dir):
    """What train.py and trl_sft.py begin with: their flags, the export's settings and the prepared base model."""
    import argparse

    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-dir", default=default_output_dir, help="where the adapter and trainer_state.json go")
    parser.add_argument("--base-model", default=None, help="a hub id or folder instead of the exported base model")
    parser.add_argument("--bf16", action="store_true", help="bfloat16 mixed precision (the playground trains in float32)")
    flags = parser.parse_args()  # before importing torch, so --help is quick
    import torch

    config = load_config()
    model, tokenizer = load_model_and_tokenizer(config, base_model_name(config, flags.base_model), torch.float32)
    return flags, config, model, tokenizer


def load_config():
    path = os.path.join(HERE, "playground_config.json")
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: cannot read the export's settings ({e}); export the run again from the playground.")
    if config.get("format") != "finetuning-playground-export" or config.get("version") != CONFIG_VERSION:
        fail(f"{path}: not a version-{CONFIG_VERSION} playground export; export the run again with this playground.")
    return config


def base_model_name(config, override=None):
    """The hub id or folder to load; the bundled model is the base-model/ folder the CLI writes."""
    name = override or config["base_model"]
    local = os.path.join(HERE, name)
    if os.path.isdir(local):
        return local
    if config["bundled_model"] and not override:
        fail(
            "base-model/ is missing: the bundled model is random and built in the browser tab, so the page "
            "cannot write its weights. In the playground's folder run "
            "'npm run -s cli -- export --model default --base-model-only --out THIS_FOLDER', "
            "or pass --base-model HUB_ID to train another model on this data."
        )
    return name


def _load_jsonl(name):
    """A JSONL file of the export, memory-mapped by datasets (not read into one string)."""
    from datasets import load_dataset

    path = os.path.join(HERE, name)
    if not os.path.isfile(path):
        fail(f"{path}: missing; the export is incomplete, export the run again.")
    return path, load_dataset("json", data_files=path, split="train")


def load_tokenized(config):
    """The playground's input_ids / attention_mask / labels."""
    path, dataset = _load_jsonl(config["data"]["tokenized"])
    if dataset.num_rows != config["data"]["examples"]:
        fail(f"{path}: {dataset.num_rows} examples, playground_config.json says {config['data']['examples']}; export again.")
    # A run trained under a trainer preset ("As trained by") has that tool's labels, not a strategy's.
    by = f"as {config['trainer']} builds them" if config.get("trainer") else f"by the playground's {config['strategy'] or 'pre-tokenized'} strategy"
    print(f"{dataset.num_rows} examples, labelled {by}, cut to {config['max_seq_length']} tokens")
    return dataset


def load_eval_tokenized(config):
    """The playground's eval split (the examples whose loss it drew as eval loss), or None without one."""
    name = config["data"].get("eval_tokenized")
    if name is None:
        return None
    _, dataset = _load_jsonl(name)
    print(f"{dataset.num_rows} eval examples, evaluated every {config['training_arguments'].get('eval_steps')} steps")
    return dataset


def pad_token_id(config, tokenizer):
    """Any id pads (attention_mask hides it, labels are -100 there); the playground's where it had one."""
    playground = config["tokenizer"]["pad_token_id"]
    return tokenizer.pad_token_id if playground is None else playground


def _dtype_kwargs(dtype):
    import transformers

    major, minor = (int(p) for p in transformers.__version__.split(".")[:2])
    # transformers 4.56 renamed from_pretrained's torch_dtype to dtype.
    return {"dtype": dtype} if (major, minor) >= (4, 56) else {"torch_dtype": dtype}


def load_model_and_tokenizer(config, model_name, dtype):
    """The base model with the playground's added tokens and embedding rows.

    New rows are set to the mean of the old ones, exactly as the playground's engine does
    (engine/weights.ts resizeTokenEmbeddings; transformers' mean_resizing samples around that mean),
    so both start from the same embedding.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    revision = config["base_model_revision"] or None
    tokenizer = AutoTokenizer.from_pretrained(model_name, revision=revision)
    added = config["tokenizer"]["added_tokens"]
    if added:
        tokenizer.add_tokens([t["content"] for t in added], special_tokens=True)
        for t in added:
            got = tokenizer.convert_tokens_to_ids(t["content"])
            if got != t["id"]:
                fail(
                    f"added token {t['content']!r} got id {got} here but {t['id']} in the playground; "
                    "the tokenizer is not the one the playground used, load the same base model."
                )
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(model_name, revision=revision, **_dtype_kwargs(dtype))
    rows = config["vocab_size"]
    old = model.get_input_embeddings().weight.shape[0]
    if rows > old:
        kwargs = {}
        if "mean_resizing" in inspect.signature(model.resize_token_embeddings).parameters:
            kwargs["mean_resizing"] = False  # the mean is set below, without sampling
        model.resize_token_embeddings(rows, **kwargs)
        with torch.no_grad():
            seen = set()
            for layer in (model.get_input_embeddings(), model.get_output_embeddings()):
                if layer is None or id(layer.weight) in seen:
                    continue  # a tied lm_head shares the input embedding's weight
                seen.add(id(layer.weight))
                layer.weight[old:] = layer.weight[:old].mean(dim=0, keepdim=True)
    return model, tokenizer


def embedding_module_name(model):
    embedding = model.get_input_embeddings()
    return next(name for name, module in model.named_modules() if module is embedding).split(".")[-1]


def lora_config(config, model):
    """playground_config.json's lora_config as PEFT's LoraConfig, on every PEFT version that has LoRA."""
    from peft import LoraConfig

    kwargs = dict(config["lora_config"])
    indices = kwargs.pop("trainable_token_indices")
    if indices:
        if "trainable_token_indices" in {f.name for f in dataclasses.fields(LoraConfig)}:
            kwargs["trainable_token_indices"] = indices
        else:
            print(
                "warning: this PEFT (< 0.15) has no trainable_token_indices, so the whole embedding matrix trains "
                "(modules_to_save), not only the added tokens' rows as in the playground; upgrade PEFT to match it.",
                file=sys.stderr,
            )
            kwargs["modules_to_save"] = [embedding_module_name(model)]
    return LoraConfig(**kwargs)


class PadCollator:
    """Right-pads a batch: input_ids with the pad id, attention_mask with 0, labels with -100.

    The playground's engine/batch.ts collate does the same, so padding is never trained on.
    """

    def __init__(self, pad_token_id):
        self.pads = {"input_ids": pad_token_id, "attention_mask": 0, "labels": IGNORE_INDEX}

    def __call__(self, features):
        import torch

        length = max(len(f["input_ids"]) for f in features)
        return {key: torch.tensor([list(f[key]) + [pad] * (length - len(f[key])) for f in features]) for key, pad in self.pads.items()}


def training_arguments(config, cls, output_dir, bf16, **extra):
    """playground_config.json's training_arguments as TrainingArguments (or TRL's SFTConfig, its subclass).

    The playground's batch size is the global batch. On N processes the per-device batch is divided by N
    when it divides, so steps and schedule stay the same; otherwise each device takes the whole batch and
    the global batch grows N-fold (said on stderr).
    """
    kwargs = dict(config["training_arguments"])
    batch = kwargs["per_device_train_batch_size"]
    n = int(os.environ.get("WORLD_SIZE", "1"))  # processes, as torchrun and accelerate launch set it
    if n > 1 and batch % n == 0:
        kwargs["per_device_train_batch_size"] = batch // n
    elif n > 1:
        print(
            f"note: batch size {batch} does not divide over {n} processes; each takes {batch}, so the global batch is "
            f"{batch * n} and an epoch has fewer steps than in the playground.",
            file=sys.stderr,
        )
    fields = {f.name for f in dataclasses.fields(cls)}
    if "warmup_ratio" not in fields:
        # transformers 5.2 removed warmup_ratio; a float warmup_steps below 1 is the same fraction of the steps.
        ratio = kwargs.pop("warmup_ratio", 0)
        if ratio > 0 and kwargs.get("warmup_steps", 0) == 0:
            kwargs["warmup_steps"] = ratio
    if "average_tokens_across_devices" in fields:
        # The loss is a mean over every trained token of the global batch, as on one device.
        kwargs["average_tokens_across_devices"] = True
    kwargs.update(extra)
    return cls(output_dir=output_dir, bf16=bf16, **kwargs)


def save_results(trainer, tokenizer, output_dir):
    """OUTPUT_DIR/trainer_state.json (log_history has every step's loss) and the adapter in OUTPUT_DIR/adapter.

    Under FSDP the state dict is gathered whole on rank 0 first (PEFT's docs/source/accelerate/fsdp.md).
    save_embedding_layers=False: the playground rebuilds the added rows itself (mean of the old rows),
    and the trained ones are in trainable_tokens_delta, so the adapter stays small and loads back.
    """
    trainer.save_state()
    if getattr(trainer, "is_fsdp_enabled", False):
        trainer.accelerator.state.fsdp_plugin.set_state_dict_type("FULL_STATE_DICT")
    state_dict = trainer.accelerator.get_state_dict(trainer.model)
    if trainer.is_world_process_zero():
        adapter_dir = f"{output_dir}/adapter"
        trainer.accelerator.unwrap_model(trainer.model).save_pretrained(
            adapter_dir, state_dict=state_dict, save_embedding_layers=False
        )
        tokenizer.save_pretrained(adapter_dir)
        print(f"wrote {adapter_dir}/adapter_model.safetensors and {output_dir}/trainer_state.json")
