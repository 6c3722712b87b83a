// Ids and labels exactly as the notebook (bigscience/bloom-560m, bos=1, eos=2, pad=3) prints them.
// Test data only: the masking strategies must reproduce these from the ids alone.
const M = -100;

/** Cell 6: '\n\n### Human: How do you say "dog" in Spanish?\n\n### Assistant:<s> perro</s>' */
export const DOG_IDS = [603, 105311, 22256, 29, 7535, 727, 1152, 5894, 20587, 744, 5, 361, 49063, 7076, 105311, 143005, 29, 1, 82208, 2];
/** Cell 23: create_special_mask. */
export const DOG_MARKERS_LABELS = [M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, 82208, 2];
/** Cell 34: DataCollatorForCompletionOnlyLM(instruction_template=eos, response_template=bos). */
export const DOG_EOS_BOS_COLLATOR_LABELS = [M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, 82208, M];
/** Cell 43: tokenizer('\n\n### Assistant:') alone; cell 44 shows 7076 ('?\n\n') in context instead of 603. */
export const RESPONSE_TEMPLATE_ALONE = [603, 105311, 143005, 29];
export const INSTRUCTION_TEMPLATE_ALONE = [603, 105311, 22256, 29];
/** Cell 50: the templates added as special tokens (250680, 250681); response template = '\n\n### Assistant:<s>'. */
export const DOG_SPECIAL_IDS = [250680, 7535, 727, 1152, 5894, 20587, 744, 5, 361, 49063, 34, 250681, 1, 82208, 2];
export const DOG_SPECIAL_LABELS = [M, M, M, M, M, M, M, M, M, M, M, M, M, 82208, 2];
export const SPECIAL_RESPONSE_TEMPLATE = [250681, 1];
export const SPECIAL_INSTRUCTION_TEMPLATE = [250680];
/** Cells 60-61: multi-turn (water then dog) with create_special_mask. */
export const MULTI_IDS = [
  603, 105311, 22256, 29, 7535, 727, 1152, 5894, 567, 37636, 5, 361, 49063, 7076, 105311, 143005, 29, 1, 14423, 2, 603, 105311, 22256, 29,
  7535, 727, 1152, 5894, 20587, 744, 5, 361, 49063, 7076, 105311, 143005, 29, 1, 82208, 2,
];
export const MULTI_MARKERS_LABELS = [
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  14423,
  2,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  M,
  82208,
  2,
];
export const BLOOM = { bos: 1, eos: 2, pad: 3 };
