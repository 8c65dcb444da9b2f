import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Prices in USD per million tokens; `cachedInput` is the price of cache reads and `cacheWrite` of cache writes (the
 * input price when absent).
 */
const modelPrice = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});
export type ModelPrice = z.infer<typeof modelPrice>;

const priceFile = z.object({
  taken: z.string().optional(),
  models: z.record(z.string(), modelPrice),
});

export interface PriceTable {
  /** Date the shipped prices were taken. */
  taken: string;
  /** The price of a model as instrumentations name it, or undefined when it is unknown. */
  lookup(model: string): ModelPrice | undefined;
}

const SHIPPED = new URL('./prices.json', import.meta.url);

/** The shipped price table, with the entries of `userFile` (PRICES_FILE) added over it when given. */
export function loadPriceTable(userFile = ''): PriceTable {
  const shipped = readPriceFile(SHIPPED, 'collector/pricing/prices.json');
  const user = userFile === '' ? { models: {} } : readPriceFile(userFile, `PRICES_FILE ${userFile}`);
  return priceTable(shipped.taken ?? '', { ...shipped.models, ...user.models });
}

function readPriceFile(path: string | URL, label: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${label}: cannot read a JSON price file: ${(err as Error).message}`);
  }
  const parsed = priceFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${label}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * Model names are matched case-insensitively after removing a provider path (`openai/gpt-4o`,
 * `models/gemini-2.0-flash`) or a Bedrock vendor prefix (`us.anthropic.claude-…`). An exact entry wins; otherwise
 * the longest entry that the name extends with only date and version suffixes (`gpt-4o-2024-08-06`,
 * `claude-3-5-sonnet-20241022-v2:0`, `gemini-1.5-pro-002`, `-latest`, `-preview-05-20`).
 */
const VENDOR_PREFIX = /^(?:[a-z]{2}\.)?(?:anthropic|meta|mistral|amazon|cohere|ai21|deepseek|openai|qwen)\./;
const VERSION_SUFFIX = /^(?:[-@:](?:\d{4}-\d{2}-\d{2}|\d+|v\d+(?::\d+)?|latest|preview|exp))+$/;
const CACHE_LIMIT = 10_000;

export function priceTable(taken: string, models: Record<string, ModelPrice>): PriceTable {
  const entries = new Map(Object.entries(models).map(([name, price]) => [name.toLowerCase(), price]));
  const byLength = [...entries.keys()].sort((a, b) => b.length - a.length);
  const cache = new Map<string, ModelPrice | undefined>();

  const match = (model: string): ModelPrice | undefined => {
    const name = model.trim().toLowerCase().replace(/^.*\//, '').replace(VENDOR_PREFIX, '');
    const exact = entries.get(name);
    if (exact) return exact;
    const base = byLength.find((known) => name.startsWith(known) && VERSION_SUFFIX.test(name.slice(known.length)));
    return base === undefined ? undefined : entries.get(base);
  };

  return {
    taken,
    lookup: (model) => {
      if (cache.has(model)) return cache.get(model);
      const price = match(model);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(model, price);
      return price;
    },
  };
}

export interface TokenCounts {
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  cacheWriteTokens: number | null;
}

/**
 * Cost of one call: cache reads at the cached price, cache writes at the cache-write price, the rest of the input at
 * the input price, output (reasoning included) at the output price. Input tokens include cache reads and writes
 * (GenAI convention); null when the call has no token counts.
 */
export function costOfTokens(price: ModelPrice, tokens: TokenCounts): number | null {
  if (tokens.inputTokens === null && tokens.outputTokens === null) return null;
  const input = tokens.inputTokens ?? 0;
  const cached = Math.min(tokens.cachedInputTokens ?? 0, input);
  const written = Math.min(tokens.cacheWriteTokens ?? 0, input - cached);
  const dollars =
    (input - cached - written) * price.input +
    cached * (price.cachedInput ?? price.input) +
    written * (price.cacheWrite ?? price.input) +
    (tokens.outputTokens ?? 0) * price.output;
  return dollars / 1_000_000;
}
