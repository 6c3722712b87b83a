// The first problem zod found, said with where it is: every boundary (worker message, run record,
// config file, CLI flag) reports only the first, so they all say it the same way.
import type { z } from "zod";

/** `settings.lora.r: Too big: expected number to be <=1024`; `root` names the place when the path is empty. */
export function firstIssue(error: z.ZodError, root = ""): string {
  const issue = error.issues[0];
  const where = issue.path.map(String).join(".") || root;
  return where ? `${where}: ${issue.message}` : issue.message;
}
