"""Print each exported example's loss under the base model with a PEFT adapter.

  python evaluate.py --adapter out/adapter          # the adapter train.py wrote
  python evaluate.py --no-adapter                   # the base model alone
  python evaluate.py --adapter DIR --json           # one JSON object per line

The playground prints the same lines for the same adapter:
  npm run -s cli -- evaluate --model default --adapter DIR --data data/tokenized.jsonl
"""

import argparse
import json

from playground_common import IGNORE_INDEX, base_model_name, fail, load_config, load_model_and_tokenizer, load_tokenized


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--adapter", default="out/adapter", help="a PEFT adapter folder")
    parser.add_argument("--no-adapter", action="store_true", help="evaluate the base model alone")
    parser.add_argument("--base-model", default=None, help="a hub id or folder instead of the exported base model")
    parser.add_argument("--json", action="store_true", help="one JSON object per example")
    flags = parser.parse_args()

    import torch
    from peft import PeftModel

    config = load_config()
    model, _ = load_model_and_tokenizer(config, base_model_name(config, flags.base_model), torch.float32)
    if not flags.no_adapter:
        try:
            model = PeftModel.from_pretrained(model, flags.adapter)
        except (OSError, ValueError) as e:
            fail(f"{flags.adapter}: cannot load the adapter ({e}); give --adapter the folder train.py wrote.")
    model.eval()
    losses = []
    with torch.no_grad():
        for number, example in enumerate(load_tokenized(config), 1):
            labels = example["labels"]
            tokens = sum(1 for label in labels[1:] if label != IGNORE_INDEX)
            if tokens == 0:
                line = {"example": number, "loss": None, "tokens": 0}
            else:
                out = model(input_ids=torch.tensor([example["input_ids"]]), labels=torch.tensor([labels]))
                line = {"example": number, "loss": out.loss.item(), "tokens": tokens}
                losses.append(line["loss"])
            if flags.json:
                print(json.dumps(line))
            elif line["loss"] is None:
                print(f"example {number}: no trained tokens")
            else:
                print(f"example {number}: loss {line['loss']:.6f} over {tokens} trained tokens")
    if losses and not flags.json:
        print(f"mean loss {sum(losses) / len(losses):.6f} over {len(losses)} examples")


if __name__ == "__main__":
    main()
