// Every ids→labels result the notebook prints, reproduced from the ids alone.
import { describe, expect, it } from "vitest";
import { NOTEBOOK_TEMPLATES } from "../chat/textFormat";
import * as nb from "../testing/notebookData";
import { IGNORE_INDEX } from "../types";
import { completionOnlyLabels } from "./completionOnly";
import { fullLabels } from "./full";
import { insertMarkers, markersMask } from "./markers";

const bloomMarkers = { start: "<s>", end: "</s>" };
const str = (en: string, es: string) => `\n\n### Human: How do you say "${en}" in Spanish?\n\n### Assistant: ${es}`;

describe("the notebook's masking, id for id", () => {
  it("full: labels are the input ids (cell 6)", () => {
    expect(fullLabels(nb.DOG_IDS)).toEqual(nb.DOG_IDS);
  });

  it("markers: the add_special_tokens text transform (cells 5 and 59)", () => {
    expect(insertMarkers(str("dog", "perro"), NOTEBOOK_TEMPLATES, bloomMarkers)).toBe(
      '\n\n### Human: How do you say "dog" in Spanish?\n\n### Assistant:<s> perro</s>',
    );
    expect(insertMarkers(str("water", "agua") + str("dog", "perro"), NOTEBOOK_TEMPLATES, bloomMarkers)).toBe(
      '\n\n### Human: How do you say "water" in Spanish?\n\n### Assistant:<s> agua</s>\n\n### Human: How do you say "dog" in Spanish?\n\n### Assistant:<s> perro</s>',
    );
  });

  it("markers: an EOS already at the end is not doubled, leading EOS are stripped", () => {
    expect(insertMarkers("</s></s>x\n\n### Assistant: y</s>", NOTEBOOK_TEMPLATES, bloomMarkers)).toBe("x\n\n### Assistant:<s> y</s>");
  });

  it("markers: create_special_mask single-turn (cell 23) and multi-turn (cell 61)", () => {
    expect(markersMask(nb.DOG_IDS, nb.BLOOM.bos, nb.BLOOM.eos)).toEqual(nb.DOG_MARKERS_LABELS);
    expect(markersMask(nb.MULTI_IDS, nb.BLOOM.bos, nb.BLOOM.eos)).toEqual(nb.MULTI_MARKERS_LABELS);
  });

  it("completion-only with EOS as instruction and BOS as response never trains EOS (cell 34)", () => {
    const r = completionOnlyLabels(nb.DOG_IDS, [nb.BLOOM.bos], [nb.BLOOM.eos], nb.BLOOM.pad);
    expect(r.labels).toEqual(nb.DOG_EOS_BOS_COLLATOR_LABELS);
  });

  it("completion-only: '\\n\\n### Assistant:' alone is not found in context, every label is -100 (cell 47)", () => {
    const r = completionOnlyLabels(nb.DOG_IDS, nb.RESPONSE_TEMPLATE_ALONE, nb.INSTRUCTION_TEMPLATE_ALONE, nb.BLOOM.pad);
    expect(r.responseFound).toBe(false);
    expect(r.labels).toEqual(nb.DOG_IDS.map(() => IGNORE_INDEX));
    expect(r.labels).toHaveLength(20);
  });

  it("special tokens: the added templates are found and the answer with its EOS is trained (cell 50)", () => {
    const r = completionOnlyLabels(nb.DOG_SPECIAL_IDS, nb.SPECIAL_RESPONSE_TEMPLATE, nb.SPECIAL_INSTRUCTION_TEMPLATE, nb.BLOOM.pad);
    expect(r.labels).toEqual(nb.DOG_SPECIAL_LABELS);
  });

  it("completion-only on the multi-turn ids trains each answer, not the EOS that is the instruction template", () => {
    const r = completionOnlyLabels(nb.MULTI_IDS, [nb.BLOOM.bos], [nb.BLOOM.eos], nb.BLOOM.pad);
    const trained = r.labels.flatMap((l, i) => (l === IGNORE_INDEX ? [] : [i]));
    expect(trained).toEqual([18, 38]);
  });
});
