// Small readers of parsed JSON values (dataset records, tokenizer files, trainer rows).

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How a value is named in a message: "a string", "an array", "null", "missing". */
export const typeName = (v: unknown): string =>
  v === undefined ? "missing" : v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
