"""The bench's PyTorch side (`npm run bench -- --baseline torch`): the same LoRA training step in
PyTorch on this machine's CPU, for the ratio the bench prints. Reads one JSON spec line on stdin,
written by bench/run.ts (the model folder, the tokenized examples, LoRA r / alpha / targets, learning
rate, batch, warm-up steps and threads; or, instead of the folder, a named Llama shape's config for
random weights), warms up, and prints {"ready": true, ...}. Then each line it
reads is a number of steps to time, answered with their times as one JSON line, so that the bench
interleaves these rounds with its own on a noisy machine; it ends at the end of its input.
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
from llama import LlamaForCausalLM, add_lora  # noqa: E402

PEFT_DEFAULT_TARGETS = {"q_proj", "v_proj"}  # PEFT's default for Llama


def main():
    spec = json.loads(sys.stdin.readline())
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(1)
    if "config" in spec:
        # A named shape (npm run bench -- --model smollm2-135m): random weights at the real sizes,
        # with the config's own defaults where its config.json leaves them out.
        c = dict(spec["config"])
        c.setdefault("head_dim", c["hidden_size"] // c["num_attention_heads"])
        c.setdefault("num_key_value_heads", c["num_attention_heads"])
        c.setdefault("rms_norm_eps", 1e-5)
        c.setdefault("rope_theta", 10000.0)
        c.setdefault("initializer_range", 0.02)
        model = LlamaForCausalLM(c)
    else:
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
    done = spec["warm_up_steps"]
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        times = []
        for _ in range(int(line)):
            t0 = time.perf_counter()
            step(done).item()
            times.append((time.perf_counter() - t0) * 1000)
            done += 1
        print(json.dumps({"times_ms": times}), flush=True)


if __name__ == "__main__":
    main()
