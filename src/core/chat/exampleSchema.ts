// The zod schema of a conversation (ChatExample), the one checked wherever examples cross a boundary:
// the share link, the autosave and the dataset worker's answer. Strict objects: an unknown field is
// an error, not silently dropped.
import { z } from "zod";
import { firstIssueArray } from "../firstIssueArray";
import { TRAINING_FIELDS } from "../settings/trainingSettings";
import { ROLES, type ChatExample } from "../types";

/** More turns than the longest sequence has tokens can never be trained. */
const MAX_TURNS = TRAINING_FIELDS.maxSeqLength.max;
/** Tools a conversation offers; templates print every one, so a thousand is already far past any context. */
const MAX_TOOLS = 1000;

const ToolCallSchema = z.strictObject({
  name: z.string(),
  arguments: z.union([z.record(z.string(), z.unknown()), z.string()]),
  id: z.string().optional(),
});

const TurnSchema = z.strictObject({
  role: z.enum(ROLES),
  content: z.string(),
  toolCalls: firstIssueArray(ToolCallSchema, MAX_TURNS, `at most ${MAX_TURNS} tool calls`).optional(),
  name: z.string().optional(),
  toolCallId: z.string().optional(),
  train: z.boolean().optional(),
});

export const ChatExampleSchema: z.ZodType<ChatExample> = z.strictObject({
  id: z.string().min(1).max(500),
  turns: firstIssueArray(TurnSchema, MAX_TURNS, `at most ${MAX_TURNS} turns (max_seq_length's limit)`),
  tools: firstIssueArray(z.record(z.string(), z.unknown()), MAX_TOOLS, `at most ${MAX_TOOLS} tools`).optional(),
});
