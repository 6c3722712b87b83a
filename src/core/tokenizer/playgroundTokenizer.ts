// A Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) with what the playground needs on
// top: special-token ids, runtime `add_special_tokens`, display strings, and the chat template.
import { Tokenizer } from "@huggingface/tokenizers";
import { isPlainRecord } from "../dataset/recordValues";

export interface TokenizerFiles {
  /** Shown to the user: a hub id, a folder name, or "bundled Qwen3". */
  name: string;
  tokenizerJson: unknown;
  tokenizerConfig: unknown;
}

export class TokenizerLoadError extends Error {
  override name = "TokenizerLoadError";
}

interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

interface TokenizerJsonShape {
  model: { vocab?: unknown };
  added_tokens?: AddedTokenJson[];
}

/** tokenizer_config.json stores special tokens as strings or as AddedToken dicts. */
function configTokenText(token: unknown): string | null {
  if (typeof token === "string") return token;
  return isPlainRecord(token) && typeof token.content === "string" ? token.content : null;
}

function validateFiles(files: TokenizerFiles): { json: TokenizerJsonShape; config: Record<string, unknown> } {
  const { tokenizerJson, tokenizerConfig, name } = files;
  if (!isPlainRecord(tokenizerJson) || !isPlainRecord(tokenizerJson.model)) {
    throw new TokenizerLoadError(`${name}: tokenizer.json has no "model" object; load the tokenizer.json file of a Hugging Face model.`);
  }
  if (!isPlainRecord(tokenizerConfig)) {
    throw new TokenizerLoadError(`${name}: tokenizer_config.json must hold a JSON object.`);
  }
  return { json: tokenizerJson as unknown as TokenizerJsonShape, config: tokenizerConfig };
}

export class PlaygroundTokenizer {
  readonly name: string;
  readonly bosToken: string | null;
  readonly eosToken: string | null;
  readonly padToken: string | null;
  readonly bosId: number | null;
  readonly eosId: number | null;
  readonly padId: number | null;
  /** `len(tokenizer)`: the size of the vocabulary including added tokens. */
  readonly vocabSize: number;
  readonly chatTemplate: string | null;
  /** Tokens added at runtime by `withSpecialTokens`, with their new ids. */
  readonly addedTokens: ReadonlyMap<string, number>;

  private readonly tokenizer: Tokenizer;
  private readonly specialIds: Set<number>;
  private readonly displayCache = new Map<number, string>();
  /** Building a tokenizer takes ~0.5 s for a 150k vocabulary: reuse copies per added-token list. */
  private readonly withTokensCache = new Map<string, PlaygroundTokenizer>();

  private constructor(
    /** What it was built from, so a worker can build the same tokenizer (core/dataset/workerProtocol.ts). */
    readonly files: TokenizerFiles,
    private readonly json: TokenizerJsonShape,
    private readonly config: Record<string, unknown>,
    added: Map<string, number>,
  ) {
    this.name = files.name;
    try {
      this.tokenizer = new Tokenizer(json, config);
    } catch (err) {
      throw new TokenizerLoadError(
        `${files.name}: the tokenizer could not be built (${(err as Error).message}); check that tokenizer.json is a Hugging Face "tokenizers" file.`,
      );
    }
    this.addedTokens = added;
    const vocab = this.tokenizer.get_vocab(true);
    let maxId = -1;
    for (const id of vocab.values()) if (id > maxId) maxId = id;
    this.vocabSize = maxId + 1;
    this.specialIds = new Set((json.added_tokens ?? []).filter((t) => t.special).map((t) => t.id));
    const idOf = (text: string | null) => (text === null ? null : (this.tokenizer.token_to_id(text) ?? null));
    this.bosToken = configTokenText(config.bos_token);
    this.eosToken = configTokenText(config.eos_token);
    this.padToken = configTokenText(config.pad_token);
    this.bosId = idOf(this.bosToken);
    this.eosId = idOf(this.eosToken);
    this.padId = idOf(this.padToken);
    this.chatTemplate = typeof config.chat_template === "string" ? config.chat_template : null;
  }

  static fromFiles(files: TokenizerFiles): PlaygroundTokenizer {
    const { json, config } = validateFiles(files);
    return new PlaygroundTokenizer(files, json, config, new Map());
  }

  /**
   * A copy with `tokens` added as special tokens, as `tokenizer.add_special_tokens` does: a token
   * already in the vocabulary keeps its id; a new one gets the next id from `len(tokenizer)` and is
   * matched as a whole before the pre-tokenizer runs.
   */
  withSpecialTokens(tokens: readonly string[]): PlaygroundTokenizer {
    const wanted = tokens.filter((t) => t.length > 0);
    if (wanted.length === 0) return this;
    const key = JSON.stringify(wanted);
    const cached = this.withTokensCache.get(key);
    if (cached) return cached;
    // Only added_tokens changes, so the (large) rest of tokenizer.json is shared, not copied.
    const addedList = (this.json.added_tokens ?? []).map((t) => ({ ...t }));
    const added = new Map(this.addedTokens);
    let nextId = this.vocabSize;
    for (const content of wanted) {
      const existing = addedList.find((t) => t.content === content);
      if (existing) {
        existing.special = true;
        continue;
      }
      const vocabId = this.tokenizer.token_to_id(content);
      const id = vocabId ?? nextId++;
      addedList.push({ id, content, special: true, single_word: false, lstrip: false, rstrip: false, normalized: false });
      if (vocabId === undefined) added.set(content, id);
    }
    const copy = new PlaygroundTokenizer(this.files, { ...this.json, added_tokens: addedList }, this.config, added);
    // Bounded: typing a token name character by character must not keep every prefix alive.
    if (this.withTokensCache.size >= 8) this.withTokensCache.delete(this.withTokensCache.keys().next().value as string);
    this.withTokensCache.set(key, copy);
    return copy;
  }

  /** tokenizer.json and tokenizer_config.json as save_pretrained writes them: with the tokens added at runtime. */
  savedFiles(): { tokenizerJson: Record<string, unknown>; tokenizerConfig: Record<string, unknown> } {
    return {
      tokenizerJson: { ...(this.files.tokenizerJson as object), added_tokens: this.json.added_tokens ?? [] },
      tokenizerConfig: { ...this.config },
    };
  }

  /** Token ids of `text`; `addSpecialTokens` adds what the post-processor adds (e.g. Llama's BOS). */
  encode(text: string, addSpecialTokens = false): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  decode(ids: readonly number[]): string {
    // The library throws on no ids ("token_ids must be a non-empty array"); no ids are no text.
    if (ids.length === 0) return "";
    return this.tokenizer.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  /** The vocabulary string of a token (`ĊĊ`, `▁per`), or `<id>` for an id outside the vocabulary. */
  tokenString(id: number): string {
    return this.tokenizer.id_to_token(id) ?? `<${id}>`;
  }

  tokenId(token: string): number | null {
    return this.tokenizer.token_to_id(token) ?? null;
  }

  /** The token's own text with whitespace made visible (`↵` newline, `·` space, `⇥` tab). */
  displayToken(id: number): string {
    const cached = this.displayCache.get(id);
    if (cached !== undefined) return cached;
    let text = this.decode([id]);
    // A token holding part of a multi-byte character decodes to U+FFFD: show its raw form instead.
    if (text.includes("\uFFFD")) text = this.tokenString(id);
    const shown = visibleWhitespace(text);
    this.displayCache.set(id, shown);
    return shown;
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  isAdded(id: number): boolean {
    for (const v of this.addedTokens.values()) if (v === id) return true;
    return false;
  }
}

export function visibleWhitespace(text: string): string {
  return text.replace(/\n/g, "↵").replace(/ /g, "·").replace(/\t/g, "⇥");
}
