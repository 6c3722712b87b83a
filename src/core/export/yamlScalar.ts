// A value as a YAML flow scalar, for the YAML files the playground writes (axolotl.yaml, the trainers'
// config snippets, a model card's front matter), which Python's YAML readers load.

/**
 * JSON, except that a number in exponent form gets a dot ("5e-5" → "5.0e-5"): PyYAML (YAML 1.1), which
 * axolotl reads its config with, takes "5e-5" for a string, but "5.0e-5" for a float, as JSON does.
 */
export function scalar(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(scalar).join(", ")}]`;
  const json = JSON.stringify(v);
  return typeof v === "number" && /^-?\d+e/i.test(json) ? json.replace(/e/i, ".0e") : json;
}
