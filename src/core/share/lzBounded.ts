// lz-string's decompressFromEncodedURIComponent with a cap on the output. An LZW stream can grow
// its output quadratically in its length, so a short hash could otherwise decompress to gigabytes
// before any size check ran. Same algorithm as lz-string 1.5 (MIT, pieroxy), reading the same bits.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$";
const VALUE = new Map([...ALPHABET].map((ch, i) => [ch, i]));

export class DecompressError extends Error {
  override name = "DecompressError";
}

/** Decompresses an lz-string URI-component payload; throws DecompressError past `maxChars`. */
export function decompressUriBounded(input: string, maxChars: number): string {
  const text = input.replace(/ /g, "+");
  for (let i = 0; i < text.length; i++) {
    if (!VALUE.has(text[i]))
      throw new DecompressError(`unexpected character ${JSON.stringify(text[i])} at position ${i + 1}; expected only A-Z a-z 0-9 + - $`);
  }
  if (text === "") throw new DecompressError("the payload is empty");
  let val = VALUE.get(text[0]) as number;
  let position = 32;
  let index = 1;
  const readBits = (n: number): number => {
    let bits = 0;
    for (let power = 1; power !== 1 << n; power <<= 1) {
      const bit = val & position;
      position >>= 1;
      if (position === 0) {
        position = 32; // past the end reads zeros, as lz-string does; the loop's check stops it
        val = VALUE.get(text[index++]) ?? 0;
      }
      if (bit) bits |= power;
    }
    return bits;
  };

  const dictionary: string[] = ["", "", ""];
  let enlargeIn = 4;
  let numBits = 3;
  let total = 0;
  const out: string[] = [];
  /** Codes grow a bit wider each time the dictionary doubles. */
  const enlarge = () => {
    if (--enlargeIn === 0) enlargeIn = 2 ** numBits++;
  };
  const first = readBits(2);
  if (first === 2) return "";
  if (first !== 0 && first !== 1) throw new DecompressError("the payload is not lz-string data");
  let w = String.fromCharCode(readBits(first === 0 ? 8 : 16));
  dictionary[3] = w;
  out.push(w);
  total = 1;
  for (;;) {
    if (index > text.length) throw new DecompressError("the payload ends without its end marker (truncated link?)");
    let c = readBits(numBits);
    if (c === 2) return out.join("");
    if (c === 0 || c === 1) {
      dictionary.push(String.fromCharCode(readBits(c === 0 ? 8 : 16)));
      c = dictionary.length - 1;
      enlarge();
    }
    let entry: string;
    if (c < dictionary.length && dictionary[c] !== undefined && c > 2) entry = dictionary[c];
    else if (c === dictionary.length) entry = w + w.charAt(0);
    else throw new DecompressError("the payload is corrupt (a code points past the dictionary)");
    total += entry.length;
    if (total > maxChars) throw new DecompressError(`it decompresses to more than ${maxChars} characters (the cap)`);
    out.push(entry);
    dictionary.push(w + entry.charAt(0));
    w = entry;
    enlarge();
  }
}
