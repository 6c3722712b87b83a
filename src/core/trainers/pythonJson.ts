// Python's json.dumps(value, ensure_ascii=False[, indent=N]) as the Python tools write tool calls and
// tool lists into their prompts: ", " and ": " between items (JSON.stringify writes none), keys in
// insertion order, and with an indent one item a line. Integers and floats are not told apart
// (JavaScript has one number type): 1.0 is written 1, as JSON.parse read it.

export function pythonJsonDumps(value: unknown, indent?: number): string {
  return dump(value, indent, 0);
}

function dump(value: unknown, indent: number | undefined, depth: number): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number")
    return Number.isFinite(value) ? JSON.stringify(value) : value > 0 ? "Infinity" : value < 0 ? "-Infinity" : "NaN";
  const entries: Array<[string | null, unknown]> = Array.isArray(value)
    ? value.map((v) => [null, v])
    : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return open + close;
  const items = entries.map(([k, v]) => (k === null ? "" : `${JSON.stringify(k)}: `) + dump(v, indent, depth + 1));
  if (indent === undefined) return open + items.join(", ") + close;
  const pad = (n: number) => " ".repeat(indent * n);
  return `${open}\n${items.map((i) => pad(depth + 1) + i).join(",\n")}\n${pad(depth)}${close}`;
}
