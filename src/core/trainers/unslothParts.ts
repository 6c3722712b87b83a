// How Unsloth turns its instruction/response markers into token ids, and how it finds them when
// none are given (read at unsloth-zoo 2026.8.13, commit ce232d6c: unsloth_zoo/dataset_utils.py
// _find_common_token_ids, _longest_common_sublist, get_chat_template_parts).
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { renderTemplate } from "../chat/chatTemplate";

export interface MarkerIds {
  /** The ids that must match ("must"). */
  core: number[];
  /** Ids that may precede / follow the core (tokens the tokenizer folded spaces or newlines into). */
  left: number[];
  right: number[];
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => b[i] === x);

/**
 * The longest run of ids common to every list, by binary search on its length. Python returns an
 * arbitrary one of several longest runs (set.pop()); here the first in the first list.
 */
export function longestCommonSublist(lists: ReadonlyArray<readonly number[]>): number[] {
  if (lists.length === 0) return [];
  const minLen = Math.min(...lists.map((l) => l.length));
  if (minLen === 0) return [];
  const common = (length: number): number[] | null => {
    const runs = (l: readonly number[]) => {
      const out = new Map<string, number[]>();
      for (let i = 0; i + length <= l.length; i++) {
        const run = l.slice(i, i + length);
        const key = run.join(",");
        if (!out.has(key)) out.set(key, run);
      }
      return out;
    };
    let kept = runs(lists[0]);
    for (const l of lists.slice(1)) {
      const here = runs(l);
      kept = new Map([...kept].filter(([key]) => here.has(key)));
      if (kept.size === 0) return null;
    }
    return kept.values().next().value ?? null;
  };
  let [left, right] = [1, minLen];
  let best: number[] = [];
  while (left <= right) {
    const mid = left + Math.floor((right - left) / 2);
    const found = common(mid);
    if (found) {
      best = found;
      left = mid + 1;
    } else right = mid - 1;
  }
  return best;
}

/**
 * _find_common_token_ids. force_match (Unsloth's default) takes the marker's own tokenization. Without
 * it the marker is tokenized with 0-2 of its edge space/newline on each side, and the run common to
 * all variants is the core: the tolerant matching that survives "?\n\n"-style merges.
 */
export function findCommonTokenIds(tokenizer: PlaygroundTokenizer, component: string, forceMatch: boolean): MarkerIds {
  const enc = (s: string) => tokenizer.encode(s, false);
  const edge = (c: string | undefined) => (c === " " ? " " : c === "\n" ? "\n" : "");
  const rightText = edge(component.at(-1));
  const leftText = edge(component[0]);
  const stripped = component.trim();
  const variants: number[][] = [];
  if (!forceMatch) {
    for (let l = 0; l < 3; l++) {
      for (let r = 0; r < 3; r++) {
        variants.push(enc(leftText.repeat(l) + stripped + rightText.repeat(r)));
        variants.push(enc("\n".repeat(l) + stripped + "\n".repeat(r)));
      }
    }
  } else variants.push(enc(component));
  // A 0 is appended to each variant, as Unsloth does (id 0 is a real token, e.g. "!" for Qwen).
  let core = longestCommonSublist(variants.map((v) => [...v, 0]));
  if (same(core, [0]) && variants[0].length === 1 && variants.every((v) => v.includes(variants[0][0]))) core = [variants[0][0]];
  const distinct = new Set(variants.map((v) => v.join(",")));
  if (distinct.size === 1 && variants[0].length + 1 === core.length && same(variants[0], core.slice(0, -1))) core = variants[0];
  const original = enc(component);
  let where = -1;
  for (let j = 0; j < original.length && where < 0; j++) if (same(original.slice(j, j + core.length), core)) where = j;
  if (where === -1) return { core: [], left: [], right: [] };
  return { core, left: original.slice(0, where), right: original.slice(where + core.length) };
}

function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) at.push(i);
  return at;
}

/** Counter.most_common(1): the most frequent, the first seen among ties. */
function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = "";
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount) [best, bestCount] = [v, c];
  return best;
}

const stripLead = (s: string, ...prefixes: string[]) => {
  for (let changed = true; changed;) {
    changed = false;
    for (const p of prefixes) if (p && s.startsWith(p)) [s, changed] = [s.slice(p.length), true];
  }
  return s;
};

/** The added token `s` starts with, longest first (the tokenizer wrapper exposes special and runtime-added ones). */
function leadingSpecial(tokenizer: PlaygroundTokenizer, s: string): string | null {
  for (let len = Math.min(s.length, 64); len > 1; len--) {
    const id = tokenizer.tokenId(s.slice(0, len));
    if (id !== null && (tokenizer.isSpecial(id) || tokenizer.isAdded(id))) return s.slice(0, len);
  }
  return null;
}

/** strip_shared: drop the leading whitespace and special tokens both strings share. */
function stripShared(tokenizer: PlaygroundTokenizer, a: string, b: string): [string, string] {
  for (;;) {
    const wa = /^\s+/.exec(a)?.[0];
    if (wa && wa === /^\s+/.exec(b)?.[0]) [a, b] = [a.slice(wa.length), b.slice(wa.length)];
    else {
      const t = leadingSpecial(tokenizer, a);
      if (t && b.startsWith(t)) [a, b] = [a.slice(t.length), b.slice(t.length)];
      else return [a, b];
    }
  }
}

/** get_chat_template_parts: (instruction_part, response_part) read off a 3-round probe conversation. */
export function chatTemplateParts(tokenizer: PlaygroundTokenizer, source: string): [string, string] {
  const U = "\u2060USERPROBE7q\u2060";
  const A = "\u2060ASSTPROBE4z\u2060";
  const render = (msgs: Array<{ role: string; content: string }>, gen: boolean) =>
    renderTemplate(source, tokenizer, msgs, { addGenerationPrompt: gen });
  const convo = [0, 1, 2].flatMap(() => [
    { role: "user", content: U },
    { role: "assistant", content: A },
  ]);
  const full = render(convo, false);
  if (occurrences(full, U).length === 0 || occurrences(full, A).length === 0) {
    throw new Error("Unsloth: Could not auto-detect chat template structure - pass instruction_part and response_part.");
  }
  const gapMode = (fromEnds: number[], toStarts: number[]) =>
    mostCommon(
      fromEnds.flatMap((e) => {
        const next = toStarts.filter((s) => s >= e);
        return next.length ? [full.slice(e, Math.min(...next))] : [];
      }),
    );
  const ends = (n: string) => occurrences(full, n).map((i) => i + n.length);
  const instrGap = gapMode(ends(A), occurrences(full, U));
  const respGap = gapMode(ends(U), occurrences(full, A));
  const endUser = convo.slice(0, -1);
  const tail = (s: string) => (s.includes(U) ? s.slice(s.lastIndexOf(U) + U.length) : "");
  const genOn = render(endUser, true);
  const genOff = render(endUser, false);
  const header = genOn === genOff ? "" : stripShared(tokenizer, tail(genOn), tail(genOff))[0];
  const eos = tokenizer.eosToken ?? "";
  const bos = tokenizer.bosToken ?? "";
  let instruction: string;
  let response: string;
  if (header && respGap.endsWith(header) && header.length < respGap.length) {
    response = header;
    instruction = stripLead(instrGap, respGap.slice(0, -header.length));
  } else if (header && header === respGap) {
    [response, instruction] = stripShared(tokenizer, header, instrGap);
    instruction = stripLead(instruction, " ", "\t", eos, bos);
  } else {
    response = stripLead(respGap, " ", "\t", eos, bos);
    instruction = stripLead(instrGap, " ", "\t", eos, bos);
  }
  const scaffold = /<([^\s/>]+)>\s*<\/\1>\s*$/.exec(response) ?? /<\/([^\s/>]+)>\s*$/.exec(response);
  if (scaffold && scaffold.index > 0) {
    const tag = scaffold[1];
    const head = response.slice(0, scaffold.index);
    const filled = render(
      [
        { role: "user", content: U },
        { role: "assistant", content: `<${tag}>rZ9</${tag}>${A}` },
      ],
      false,
    );
    const pos = filled.lastIndexOf(head);
    if (pos !== -1 && !filled.slice(pos + head.length).startsWith(response.slice(scaffold.index))) response = head;
  }
  instruction = stripLead(instruction, " ", "\t").replace(/[ \t]+$/, "");
  response = stripLead(response, " ", "\t").replace(/[ \t]+$/, "");
  if (!instruction || !response)
    throw new Error("Unsloth: Auto-detection produced an empty marker - pass instruction_part and response_part.");
  const probe = tokenizer.encode(full, false);
  const count = (cand: string) => {
    const core = findCommonTokenIds(tokenizer, cand, true).core;
    let n = 0;
    for (let i = 0; core.length > 0 && i + core.length <= probe.length; i++) if (same(probe.slice(i, i + core.length), core)) n++;
    return n;
  };
  const validate = (part: string, name: string) => {
    const counts = [part, ` ${part}`, `\n${part}`].map((c) => [c, count(c)] as const);
    const hit = counts.find(([, n]) => n >= 2) ?? counts.slice(0, 2).find(([, n]) => n >= 1);
    if (!hit)
      throw new Error(
        `Unsloth: Could not reliably auto-detect ${name} (detected ${JSON.stringify(part)}) - pass instruction_part and response_part.`,
      );
    return hit[0];
  };
  return [validate(instruction, "instruction_part"), validate(response, "response_part")];
}
