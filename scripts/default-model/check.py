"""Replays the notebook's fine-tune in PyTorch on a built model folder, to choose the page's defaults
for it: python3 scripts/default-model/check.py DIR [--ft-lr 2e-3 --ft-r 16 ...]."""
import argparse
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import bpe  # noqa: E402
import build  # noqa: E402
from llama import LlamaForCausalLM  # noqa: E402


def load(folder: str):
    config = json.load(open(os.path.join(folder, "config.json")))
    model = LlamaForCausalLM(config)
    raw = open(os.path.join(folder, "model.safetensors"), "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    state = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        s, e = h["data_offsets"]
        state[name] = torch.frombuffer(bytearray(raw[8 + n + s : 8 + n + e]), dtype=torch.float32).view(h["shape"])
    model.load_state_dict(state)
    tok = json.load(open(os.path.join(folder, "tokenizer.json")))
    merges = [tuple(m.split(" ")) for m in tok["model"]["merges"]]
    return model, bpe.Encoder(tok["model"]["vocab"], merges), tok["model"]["vocab"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--seed", type=int, default=1234)
    build.add_fine_tune_args(ap)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    model, enc, vocab = load(args.folder)
    text = lambda ids: bpe.decode(vocab, ids, show_eos=True)  # noqa: E731
    pairs = build.NOTEBOOK_PAIRS + [build.HOLDOUT]
    before = build.answers(model, enc, pairs)
    losses = build.fine_tune(model, enc, args, print)
    after = build.answers(model, enc, pairs)
    for en, es in pairs:
        print(f"  {en}: before {text(before[en])!r} after {text(after[en])!r} (want {es!r})")


if __name__ == "__main__":
    main()
