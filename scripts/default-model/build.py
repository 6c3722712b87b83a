"""Builds the playground's bundled default model: `npm run build:default-model`.

From Debian's FreeDict dictionaries to a Hugging Face folder (config.json, model.safetensors,
tokenizer.json, tokenizer_config.json, generation_config.json): a byte-level BPE tokenizer, a small
LlamaForCausalLM pretrained from a fixed seed, then the notebook's fine-tune replayed in PyTorch as a
check. Needs Debian's python3-torch (and libopenblas0-pthread, or it is ~30x slower) and the
dict-freedict-eng-spa / dict-freedict-spa-eng packages. Writes a reference file the unit tests read.
"""
import argparse
import json
import math
import os
import random
import struct
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
import bpe  # noqa: E402
import corpus  # noqa: E402
import dictionary  # noqa: E402
from llama import LlamaForCausalLM, add_lora  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BOS, EOS, PAD = 1, 2, 3
CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "vocab_size": 4096,
    "hidden_size": 128,
    "intermediate_size": 384,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "num_key_value_heads": 4,
    "head_dim": 32,
    "hidden_act": "silu",
    "max_position_embeddings": 512,
    "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0,
    "initializer_range": 0.02,
    "tie_word_embeddings": True,
    "attention_bias": False,
    "mlp_bias": False,
    "bos_token_id": BOS,
    "eos_token_id": EOS,
    "pad_token_id": PAD,
    "torch_dtype": "float32",
}
NOTEBOOK_PAIRS = [("dog", "perro"), ("water", "agua"), ("mother", "madre"), ("hello", "hola"), ("tree", "árbol")]
HOLDOUT = ("good", "bueno")


def chat_prompt(en: str) -> str:
    """The page's default for this model (BUNDLED_MODEL_MASKING): the notebook's formatting, the answer
    right after the response template, no `<s>` start marker (the fine-tune adds `</s>` after it)."""
    return f'\n\n### Human: How do you say "{en}" in Spanish?\n\n### Assistant:'


def write_safetensors(path: str, tensors: dict[str, torch.Tensor]) -> None:
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def recall(model, enc, pairs) -> float:
    """Share of pairs the model answers in one of the corpus's dialog layouts (the answer's tokens, greedy;
    a dialog goes on after it). The prompt ends where a piece of the pre-tokenizer ends, so the answer
    tokenizes as in training."""
    hits = 0
    for en, es in pairs:
        want = enc.encode(f" {es}")
        hits += model.greedy([BOS] + enc.encode(f'Q: What is "{en}" in Spanish?\n\nA:'), len(want), EOS) == want
    return hits / len(pairs)


def pretrain(model, epoch_docs, args, log, probe):
    """epoch_docs(k) gives epoch k's tokenized documents (new question layouts every epoch)."""
    rng = random.Random(args.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.01)
    total = args.steps
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / args.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(3.14159265 * s / total)))
    )
    stream: list[int] = []
    epoch = 0
    need = args.batch * (args.seq + 1)
    start = time.time()
    for step in range(total):
        while len(stream) < need:
            order = epoch_docs(epoch)
            epoch += 1
            rng.shuffle(order)
            for d in order:
                stream += d
        chunk, stream = stream[:need], stream[need:]
        x = torch.tensor(chunk).view(args.batch, args.seq + 1)
        logits = model(x[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % args.log_every == 0 or step == total - 1:
            log(f"pretrain step {step}/{total} loss {loss.item():.3f} {time.time() - start:.0f}s; recall {probe():.0%}")
    return time.time() - start


def answers(model, enc, pairs, max_new=8):
    out = {}
    for en, _ in pairs:
        ids = model.greedy(enc.encode(chat_prompt(en)), max_new, EOS)
        out[en] = ids
    return out


def fine_tune(model, enc, args, log):
    """The notebook's recipe as the playground runs it: labels on the answer and its </s>, batch 1, AdamW, linear decay, clipping."""
    targets = None if args.ft_targets == "all-linear" else set(args.ft_targets.split(","))
    params = add_lora(model, args.ft_r, args.ft_alpha, targets)
    examples = []
    for en, es in NOTEBOOK_PAIRS:
        prompt = enc.encode(chat_prompt(en))
        answer = enc.encode(f" {es}</s>")
        examples.append((prompt + answer, [-100] * len(prompt) + answer))
    steps = args.ft_epochs * len(examples)
    opt = torch.optim.AdamW(params, lr=args.ft_lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 - s / steps)
    rng, losses = random.Random(args.seed), []
    for _ in range(args.ft_epochs):
        order = examples[:]
        rng.shuffle(order)
        for ids, labels in order:
            logits = model(torch.tensor([ids]))[0, :-1]
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor(labels[1:]), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)  # the Trainer's max_grad_norm, as the page does
            opt.step()
            sched.step()
            losses.append(loss.item())
    log(f"fine-tune {steps} steps: loss {losses[0]:.3f} -> {losses[-1]:.3f}")
    return losses


def add_fine_tune_args(ap: argparse.ArgumentParser) -> None:
    """The replayed fine-tune's settings: the page's BUNDLED_MODEL_TRAINING (src/core/playgroundState.ts)."""
    ap.add_argument("--ft-lr", type=float, default=3e-3)
    ap.add_argument("--ft-r", type=int, default=8)
    ap.add_argument("--ft-alpha", type=float, default=16)
    ap.add_argument("--ft-epochs", type=int, default=15)
    ap.add_argument("--ft-targets", default="q_proj,v_proj")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "public", "models", "default"))
    ap.add_argument("--reference", default=os.path.join(ROOT, "test", "fixtures", "default-model", "reference.json"))
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--steps", type=int, default=1400)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    add_fine_tune_args(ap)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    log = lambda m: print(m, flush=True)  # noqa: E731

    t0 = time.time()
    confirmed = dictionary.confirmed_pairs()  # both dictionaries read once
    pairs = dictionary.pretraining_pairs(confirmed)
    labels = corpus.label_words(confirmed)
    docs = corpus.documents(pairs, random.Random(args.seed), labels)
    log(f"{len(pairs)} pretraining pairs of {len(confirmed)} confirmed, {len(labels)} speaker labels, {len(docs)} documents")
    vocab, merges = bpe.train(docs, CONFIG["vocab_size"])
    enc = bpe.Encoder(vocab, merges)
    tokenize = lambda docs: [[BOS] + enc.encode(d) + [EOS] for d in docs]  # noqa: E731
    docs_ids = tokenize(docs)
    n_tokens = sum(map(len, docs_ids))  # one epoch
    probe = enc.encode('Spanish?\n\n### Assistant:')
    log(f"tokenizer: {len(vocab)} tokens, {n_tokens} corpus tokens, {time.time() - t0:.0f}s; 'Spanish?\\n\\n###' -> {probe}")

    model = LlamaForCausalLM(CONFIG)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"model: {n_params} parameters")
    probe_pairs = random.Random(args.seed).sample(pairs, 60)
    epoch_docs = lambda k: docs_ids if k == 0 else tokenize(corpus.documents(pairs, random.Random(args.seed + k), labels))  # noqa: E731
    seconds = pretrain(model, epoch_docs, args, log, lambda: recall(model, enc, probe_pairs))

    os.makedirs(args.out, exist_ok=True)
    state = {k: v for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(args.out, "model.safetensors"), state)
    dump = lambda name, obj: open(os.path.join(args.out, name), "w", encoding="utf-8").write(json.dumps(obj, ensure_ascii=False, indent=1) + "\n")  # noqa: E731
    dump("config.json", CONFIG)
    dump("generation_config.json", {"bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": PAD})
    dump("tokenizer.json", bpe.tokenizer_json(vocab, merges))
    dump("tokenizer_config.json", bpe.tokenizer_config())

    pairs_all = NOTEBOOK_PAIRS + [HOLDOUT]
    before = answers(model, enc, pairs_all)
    samples = [chat_prompt(en) + f" {es}</s>" for en, es in pairs_all] + docs[:20]
    with torch.no_grad():
        ref_ids = enc.encode(chat_prompt("good"))
        ref_logits = model(torch.tensor([ref_ids]))[0, -1]
    losses = fine_tune(model, enc, args, log)
    after = answers(model, enc, pairs_all)
    text = lambda ids: bpe.decode(vocab, ids)  # noqa: E731
    for en, es in pairs_all:
        log(f"  {en}: before {text(before[en])!r} after {text(after[en])!r} (want {es!r})")
    reference = {
        "about": "Written by scripts/default-model/build.py with the shipped model: the tests check the page's tokenizer and engine against it.",
        "seed": args.seed,
        "pretrain": {"steps": args.steps, "batch": args.batch, "seq": args.seq, "lr": args.lr, "seconds": round(seconds), "threads": args.threads},
        "parameters": n_params,
        "corpus_tokens": n_tokens,
        "prompts": {en: {"text": chat_prompt(en), "ids": enc.encode(chat_prompt(en))} for en, _ in pairs_all},
        "encodings": [{"text": s, "ids": enc.encode(s)} for s in samples],
        "logits": {"ids": ref_ids, "last_position": [round(float(v), 4) for v in ref_logits]},
        "greedy_before": {en: before[en] for en, _ in pairs_all},
        "fine_tune": {"lr": args.ft_lr, "r": args.ft_r, "alpha": args.ft_alpha, "epochs": args.ft_epochs, "losses": [round(v, 4) for v in losses]},
        "greedy_after_torch_fine_tune": {en: after[en] for en, _ in pairs_all},
    }
    os.makedirs(os.path.dirname(args.reference), exist_ok=True)
    with open(args.reference, "w", encoding="utf-8") as f:
        f.write(json.dumps(reference, ensure_ascii=False) + "\n")
    log(f"done in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
