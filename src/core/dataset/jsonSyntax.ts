// Finds where JSON stops being JSON and what was expected there. JSON.parse's own messages differ
// between engines (V8 gives a position, Firefox a line and column, Safari neither), so the reader
// locates the error itself once JSON.parse has failed. An explicit stack: deep nesting cannot
// overflow it.

export interface JsonSyntaxError {
  /** Offset into the scanned text (UTF-16 code units). */
  offset: number;
  message: string;
}

const ARRAY = 0;
const OBJECT = 1;

const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

function describe(text: string, i: number): string {
  if (i >= text.length) return "the end of the text";
  const ch = text[i];
  return ch === "\n" ? "a line break" : JSON.stringify(ch);
}

/**
 * Scans `text[from, to)` as one JSON value. `onTopElement` is told where each element of a
 * top-level array starts (so records in a JSON array can be given a line and column).
 */
export function findJsonSyntaxError(
  text: string,
  from = 0,
  to = text.length,
  onTopElement?: (offset: number) => void,
): JsonSyntaxError | null {
  const stack: number[] = [];
  const fail = (offset: number, expected: string): JsonSyntaxError => ({
    offset,
    message: `expected ${expected}, found ${describe(text, offset)}`,
  });
  const ws = (i: number) => {
    while (i < to && isWs(text.charCodeAt(i))) i++;
    return i;
  };

  const scanString = (start: number): number | JsonSyntaxError => {
    for (let i = start + 1; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return i + 1;
      if (c < 0x20)
        return { offset: i, message: `unescaped control character inside a string; expected a closing '"' or an escape such as \\n` };
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, message: "bad \\u escape; expected four hex digits" };
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 1;
        else return { offset: i, message: `bad escape \\${e ?? ""}; expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX` };
      }
    }
    return {
      offset: start,
      message: `unterminated string starting here; expected a closing '"' before ${to >= text.length ? "the end of the text" : "the end of the line"}`,
    };
  };

  const scanNumber = (start: number): number | JsonSyntaxError => {
    let i = start;
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
    else return fail(i, "a digit");
    if (text[i] === ".") {
      i++;
      if (!isDigit(text.charCodeAt(i))) return fail(i, "a digit after the decimal point");
      while (isDigit(text.charCodeAt(i))) i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!isDigit(text.charCodeAt(i))) return fail(i, "a digit in the exponent");
      while (isDigit(text.charCodeAt(i))) i++;
    }
    return i;
  };

  /** After `{` or `,` in an object: a quoted key and a colon. */
  const scanKey = (start: number): number | JsonSyntaxError => {
    let i = ws(start);
    if (text[i] !== '"')
      return fail(
        i,
        text[i] === "}" ? "another property after the comma (trailing commas are not JSON)" : "a property name in double quotes",
      );
    const end = scanString(i);
    if (typeof end !== "number") return end;
    i = ws(end);
    if (text[i] !== ":") return fail(i, `":" after the property name`);
    return i + 1;
  };

  let i = ws(from);
  if (i >= to) return { offset: i, message: "expected a JSON value, found nothing" };
  let expectValue = true;
  for (;;) {
    i = ws(i);
    if (expectValue) {
      if (stack.length === 1 && stack[0] === ARRAY && i < to) onTopElement?.(i);
      const c = text[i];
      let next: number | JsonSyntaxError;
      if (i >= to) return fail(i, "a value");
      if (c === "{" || c === "[") {
        stack.push(c === "{" ? OBJECT : ARRAY);
        const inner = ws(i + 1);
        if (text[inner] === (c === "{" ? "}" : "]")) {
          stack.pop();
          next = inner + 1;
        } else if (c === "{") {
          const afterKey = scanKey(i + 1);
          if (typeof afterKey !== "number") return afterKey;
          i = afterKey;
          continue;
        } else {
          i = i + 1;
          continue;
        }
      } else if (c === '"') next = scanString(i);
      else if (c === "-" || isDigit(text.charCodeAt(i))) next = scanNumber(i);
      else if (text.startsWith("true", i)) next = i + 4;
      else if (text.startsWith("false", i)) next = i + 5;
      else if (text.startsWith("null", i)) next = i + 4;
      else if (c === "]" || c === "}") return fail(i, "a value (trailing commas are not JSON)");
      else return fail(i, "a value (an object, array, string in double quotes, number, true, false or null)");
      if (typeof next !== "number") return next;
      i = next;
      expectValue = false;
      continue;
    }
    if (stack.length === 0) return i < to ? fail(i, "the end of the value (one JSON value per line in JSON Lines)") : null;
    const top = stack[stack.length - 1];
    const c = text[i];
    if (c === ",") {
      if (top === OBJECT) {
        const afterKey = scanKey(i + 1);
        if (typeof afterKey !== "number") return afterKey;
        i = afterKey;
      } else i += 1;
      expectValue = true;
    } else if ((top === ARRAY && c === "]") || (top === OBJECT && c === "}")) {
      stack.pop();
      i += 1;
    } else return fail(i, top === ARRAY ? `"," or "]"` : `"," or "}"`);
  }
}

/** Line starts of a text, for offset → 1-based line and column. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}
