// Small readers of a parsed record's values, shared by the record converters.

export const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How a value is named in a message: "a string", "an array", "null", "missing". */
export const typeName = (v: unknown): string =>
  v === undefined ? "missing" : v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
