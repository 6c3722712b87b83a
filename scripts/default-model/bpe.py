"""A byte-level BPE tokenizer trained from scratch, written as a Hugging Face tokenizer.json.

Debian packages no BPE trainer (Hugging Face `tokenizers` is not in the archive), so this is the
textbook algorithm (Sennrich et al. 2016, over bytes as in GPT-2). The layout follows BLOOM's
tokenizer: `<unk>` 0, `<s>` 1, `</s>` 2, `<pad>` 3, and a pre-tokenizer that keeps a run of
punctuation and whitespace together, so that a frequent "?\n\n" becomes one token, exactly the
merge that breaks the notebook's template-based masking.
"""
import heapq
import os
import re
from collections import Counter, defaultdict

SPECIALS = ["<unk>", "<s>", "</s>", "<pad>"]
# BLOOM's pattern is " ?[^(\s|[.,!?…。，、।۔،])]+", which relies on Oniguruma's nested classes; this one
# reads the same in Python, JavaScript and Rust: words with an optional leading space. The text between
# two matches (punctuation and whitespace) is its own piece ("Isolated").
PIECE = r" ?[^\s.,!?]+"


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map used by ByteLevel pre-tokenizers."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


BYTE_CHARS = bytes_to_unicode()
_piece = re.compile(PIECE)


def pieces(text: str) -> list[str]:
    out, last = [], 0
    for m in _piece.finditer(text):
        if m.start() > last:
            out.append(text[last : m.start()])
        out.append(m.group())
        last = m.end()
    if last < len(text):
        out.append(text[last:])
    return ["".join(BYTE_CHARS[b] for b in p.encode("utf-8")) for p in out]


def train(texts, vocab_size: int) -> tuple[dict[str, int], list[tuple[str, str]]]:
    words = Counter()
    for t in texts:
        words.update(pieces(t))
    symbols = [list(w) for w in words]
    freq = [words[w] for w in words]
    vocab = {s: i for i, s in enumerate(SPECIALS)}
    for b in range(256):
        vocab[BYTE_CHARS[b]] = len(vocab)
    pair_count: Counter = Counter()
    where = defaultdict(set)
    for i, syms in enumerate(symbols):
        for a, b in zip(syms, syms[1:]):
            pair_count[(a, b)] += freq[i]
            where[(a, b)].add(i)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    merges = []
    while len(vocab) < vocab_size and heap:
        neg, pair = heapq.heappop(heap)
        if pair_count.get(pair, 0) != -neg or -neg < 2:
            if pair_count.get(pair, 0) >= 2 and pair_count[pair] != -neg:
                heapq.heappush(heap, (-pair_count[pair], pair))
            continue
        merged = pair[0] + pair[1]
        merges.append(pair)
        vocab[merged] = len(vocab)
        changed = set()
        for i in list(where[pair]):
            syms, f = symbols[i], freq[i]
            for a, b in zip(syms, syms[1:]):
                pair_count[(a, b)] -= f
                changed.add((a, b))
            out, j = [], 0
            while j < len(syms):
                if j + 1 < len(syms) and syms[j] == pair[0] and syms[j + 1] == pair[1]:
                    out.append(merged)
                    j += 2
                else:
                    out.append(syms[j])
                    j += 1
            symbols[i] = out
            for a, b in zip(out, out[1:]):
                pair_count[(a, b)] += f
                where[(a, b)].add(i)
                changed.add((a, b))
        for p in changed:
            if pair_count[p] > 0:
                heapq.heappush(heap, (-pair_count[p], p))
            else:
                del pair_count[p]
    return vocab, merges


_BYTE_OF = {c: b for b, c in BYTE_CHARS.items()}


def decode(vocab: dict[str, int], ids: list[int], show_eos: bool = False) -> str:
    """The text of token ids, special tokens left out (`</s>` written out when show_eos)."""
    token = {i: s for s, i in vocab.items()}
    text = bytes(_BYTE_OF[c] for i in ids if i >= len(SPECIALS) for c in token[i]).decode("utf-8", "replace")
    return text + ("</s>" if show_eos and SPECIALS.index("</s>") in ids else "")


class Encoder:
    def __init__(self, vocab: dict[str, int], merges: list[tuple[str, str]]):
        self.vocab = vocab
        self.rank = {m: r for r, m in enumerate(merges)}
        self.cache: dict[str, list[int]] = {}

    def _piece(self, piece: str) -> list[int]:
        if piece in self.cache:
            return self.cache[piece]
        syms = list(piece)
        while len(syms) > 1:
            ranked = [(self.rank.get((a, b), 1 << 30), k) for k, (a, b) in enumerate(zip(syms, syms[1:]))]
            best, k = min(ranked)
            if best == 1 << 30:
                break
            syms[k : k + 2] = [syms[k] + syms[k + 1]]
        ids = [self.vocab[s] for s in syms]
        self.cache[piece] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        """Plain text, with the special tokens written out ("<s>") split off as the tokenizer does."""
        ids = []
        for part in re.split("(" + "|".join(re.escape(s) for s in SPECIALS) + ")", text):
            if part in SPECIALS:
                ids.append(SPECIALS.index(part))
            elif part:
                for p in pieces(part):
                    ids += self._piece(p)
        return ids


def tokenizer_json(vocab: dict[str, int], merges: list[tuple[str, str]]) -> dict:
    added = [
        {"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
        for i, s in enumerate(SPECIALS)
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": PIECE}, "behavior": "Isolated", "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
            ],
        },
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": False},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [f"{a} {b}" for a, b in merges],  # byte-level symbols never hold a space
        },
    }


# The notebook's text layout as a chat template (Jinja in its own file), so that apply_chat_template, the
# page's chat-template strategy and the trainer presets format conversations as the page trains them.
CHAT_TEMPLATE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chat_template.jinja")


def tokenizer_config() -> dict:
    with open(CHAT_TEMPLATE_FILE, encoding="utf-8") as f:
        chat_template = f.read()
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "add_bos_token": False,
        "add_eos_token": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": 512,
        "added_tokens_decoder": {
            str(i): {"content": s, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True}
            for i, s in enumerate(SPECIALS)
        },
        "chat_template": chat_template,
    }
