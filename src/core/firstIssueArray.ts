// z.array that stops at its first bad element. zod checks every element and builds an issue for
// each, so a 5 KB share hash that expands to 500k bad entries took seconds to refuse (and the
// message only ever names the first). Used for the arrays an outsider can make long: examples,
// turns, token ids. The length cap is checked before any element, as zod's own `.max` is.
import { z } from "zod";

export function firstIssueArray<T extends z.ZodType>(element: T, max: number, tooMany?: string) {
  return z
    .array(z.unknown())
    .max(max, tooMany)
    .transform((items, ctx) => {
      const out: z.output<T>[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) {
        const r = element.safeParse(items[i]);
        if (!r.success) {
          // `continue`: the value is an array, as asked, so a union around it (a template's {ids})
          // reports this entry instead of a bare "Invalid input".
          for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [i, ...issue.path], continue: true });
          return z.NEVER;
        }
        out[i] = r.data;
      }
      return out;
    });
}
