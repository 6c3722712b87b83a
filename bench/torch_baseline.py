"""The bench's PyTorch side: the same LoRA training step in PyTorch, for the ratio the bench prints.

Two ways in, one spec (bench/run.ts's torchBaseline and bench/gpu/bench.ts --torch-spec write it: the
model folder or a named shape's config for random weights, the tokenized examples, LoRA r / alpha /
targets, learning rate, batch, warm-up steps):
- `npm run bench -- --baseline torch` (this CPU): one JSON spec line on stdin; warms up, prints
  {"ready": true, ...}; then each line it reads is a number of steps to time, answered with their
  times as one JSON line, so that the bench interleaves these rounds with its own on a noisy machine;
  it ends at the end of its input. Always the plain-torch model below.
- `python3 bench/torch_baseline.py --spec FILE [--device cuda|cpu] [--impl auto|peft|plain]` (the GPU
  machine, bench/gpu/run.sh): warms up, times the spec's steps, prints one JSON row (ms a step, the
  first three losses, peak GPU memory). `peft` is transformers' model of the config's architecture
  with PEFT's LoRA, fp32, eager (no torch.compile): what a user of PEFT runs. `plain` is
  scripts/default-model/llama.py with its LoRA (Llama shapes only): Debian has torch but neither
  transformers nor peft. `auto`: peft where both import, else plain.
"""
import argparse
import contextlib
import importlib.util
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts", "default-model"))
import check  # noqa: E402
from llama import LlamaForCausalLM, add_lora  # noqa: E402

PEFT_DEFAULT_TARGETS = {"q_proj", "v_proj"}  # PEFT's default for Llama


def plain_model(spec):
    """llama.py's model with its LoRA; returns (model, trainable parameters)."""
    if "config" in spec:
        # A named shape (npm run bench -- --model smollm2-135m): random weights at the real sizes,
        # with the config's own defaults where its config.json leaves them out.
        c = dict(spec["config"])
        if c.get("architectures", ["LlamaForCausalLM"])[0] != "LlamaForCausalLM":
            raise SystemExit(f"torch_baseline: the plain model is a Llama; {c['architectures'][0]} needs transformers and peft (--impl peft)")
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
    return model, add_lora(model, spec["lora"]["r"], spec["lora"]["lora_alpha"], targets)


def peft_model(spec, device):
    """transformers' model of the config's architecture, random weights, with PEFT's LoRA; returns (model, trainable parameters)."""
    import peft
    import transformers

    c = dict(spec["config"])
    cls = getattr(transformers, c.pop("architectures")[0])
    # Built on the device where torch can (2.0+): a 560M-parameter random init on the CPU takes seconds.
    with torch.device(device) if hasattr(torch.device, "__enter__") else contextlib.nullcontext():
        model = cls(cls.config_class(**c)).float()
    t = spec["lora"]["target_modules"]
    lora = peft.LoraConfig(
        r=spec["lora"]["r"],
        lora_alpha=spec["lora"]["lora_alpha"],
        lora_dropout=0.0,
        target_modules=t,  # None: PEFT's default for the architecture, as the engine's
        task_type="CAUSAL_LM",
    )
    model = peft.get_peft_model(model, lora)
    return model, [p for p in model.parameters() if p.requires_grad]


def build(spec, impl, device):
    """The model, its trainable parameters, the impl chosen, and its training step: one a call (i: the
    step's number, which picks its batch), returning the loss tensor."""
    torch.manual_seed(1)
    if impl == "auto":
        hf = all(importlib.util.find_spec(name) for name in ("transformers", "peft"))
        impl = "peft" if hf and "config" in spec else "plain"
    model, params = peft_model(spec, device) if impl == "peft" else plain_model(spec)
    model = model.to(device)
    opt = torch.optim.AdamW(params, lr=spec["learning_rate"], weight_decay=0.0)
    examples, batch = spec["examples"], spec["batch"]

    def step(i):
        group = [examples[(i * batch + k) % len(examples)] for k in range(batch)]
        width = max(len(e["input_ids"]) for e in group)
        ids = torch.tensor([e["input_ids"] + [spec["pad_token_id"]] * (width - len(e["input_ids"])) for e in group], device=device)
        labels = torch.tensor([e["labels"] + [-100] * (width - len(e["labels"])) for e in group], device=device)
        if impl == "peft":
            loss = model(input_ids=ids, labels=labels).loss
        else:
            logits = model(ids)[:, :-1]
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad()
        return loss

    return model, params, impl, step


def timed(step, i):
    """The step's loss and its time in ms; the loss's .item() waits for the device."""
    t0 = time.perf_counter()
    loss = step(i).item()
    return loss, (time.perf_counter() - t0) * 1000


def versions():
    out = {"torch": torch.__version__}
    for name in ("transformers", "peft"):
        out[name] = __import__(name).__version__ if importlib.util.find_spec(name) else None
    return out


def spec_file(argv):
    """The GPU bench's way in: time the spec's steps, print one row."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--impl", choices=["auto", "peft", "plain"], default="auto")
    a = ap.parse_args(argv)
    spec = json.load(open(a.spec))
    model, params, impl, step = build(spec, a.impl, a.device)
    warm = [timed(step, i) for i in range(spec["warm_up_steps"])]
    if a.device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = [timed(step, spec["warm_up_steps"] + i) for i in range(spec["steps"])]
    gpu = torch.cuda.get_device_name() if a.device == "cuda" else None
    print(
        json.dumps(
            {
                "bench": "gpu",
                "baseline": "torch",
                "impl": impl,
                "model": spec["model"],
                "narrow": spec.get("narrow", False),
                "device": a.device,
                "gpu": gpu,
                **versions(),
                "dtype": "float32",
                "attn_implementation": getattr(getattr(model, "config", None), "_attn_implementation", None),
                "threads": torch.get_num_threads(),
                "ms_per_step": round(statistics.median(t for _, t in times), 2),
                "steps": len(times),
                "warm_up_steps": len(warm),
                "first_step_ms": round((warm or times)[0][1]),
                "losses": [loss for loss, _ in (warm + times)[:3]],
                "trainable_parameters": sum(p.numel() for p in params),
                "gpu_bytes_peak": torch.cuda.max_memory_allocated() if a.device == "cuda" else None,
                "shape": spec.get("shape"),
            }
        ),
        flush=True,
    )


def rounds():
    """bench/run.ts's way in: rounds of steps asked for on stdin (see the module's comment)."""
    spec = json.loads(sys.stdin.readline())
    torch.set_num_threads(spec["threads"])
    step = build(spec, "plain", "cpu")[3]
    for i in range(spec["warm_up_steps"]):
        step(i)
    done = spec["warm_up_steps"]
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        times = []
        for _ in range(int(line)):
            times.append(timed(step, done)[1])
            done += 1
        print(json.dumps({"times_ms": times}), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        spec_file(sys.argv[1:])
    else:
        rounds()
