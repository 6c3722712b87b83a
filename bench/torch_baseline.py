"""The bench's PyTorch side (`npm run bench -- --baseline torch`): the same LoRA training step in
PyTorch on this machine's CPU, for the ratio the bench prints. Reads one JSON spec on stdin, written by
bench/run.ts: the model folder, the tokenized examples, LoRA r / alpha / targets, learning rate, batch,
steps (timed after warm_up_steps untimed ones, as the engine's) and threads. Prints one JSON object.
Llama-architecture folders only (the bundled model is one), through scripts/default-model/llama.py:
Debian has torch but neither transformers nor peft.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts", "default-model"))
import check  # noqa: E402
from llama import add_lora  # noqa: E402

PEFT_DEFAULT_TARGETS = {"q_proj", "v_proj"}  # PEFT's default for Llama


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(1)
    model, _, _ = check.load(spec["model_dir"])
    t = spec["lora"]["target_modules"]
    targets = None if t == "all-linear" else PEFT_DEFAULT_TARGETS if t is None else set(t)
    params = add_lora(model, spec["lora"]["r"], spec["lora"]["lora_alpha"], targets)
    opt = torch.optim.AdamW(params, lr=spec["learning_rate"], weight_decay=0.0)
    examples, batch = spec["examples"], spec["batch"]

    def step(i):
        group = [examples[(i * batch + k) % len(examples)] for k in range(batch)]
        width = max(len(e["input_ids"]) for e in group)
        ids = torch.tensor([e["input_ids"] + [spec["pad_token_id"]] * (width - len(e["input_ids"])) for e in group])
        labels = torch.tensor([e["labels"] + [-100] * (width - len(e["labels"])) for e in group])
        logits = model(ids)[:, :-1]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad()
        return loss

    for i in range(spec["warm_up_steps"]):
        step(i)
    times = []
    for i in range(spec["steps"]):
        t0 = time.perf_counter()
        step(i).item()
        times.append((time.perf_counter() - t0) * 1000)
    ms = sorted(times)[len(times) // 2]
    print(json.dumps({"baseline": "torch", "torch": torch.__version__, "threads": torch.get_num_threads(), "ms_per_step": round(ms, 2)}))


if __name__ == "__main__":
    main()
