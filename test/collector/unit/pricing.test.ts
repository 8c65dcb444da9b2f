import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costOfTokens, loadPriceTable } from '../../../collector/pricing/price-table.js';

describe('the shipped price table', () => {
  const prices = loadPriceTable();
  it('says when its prices were taken', () => {
    expect(prices.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
  it.each([
    ['gpt-4o', 'gpt-4o', 2.5],
    ['gpt-4o-2024-08-06', 'gpt-4o', 2.5],
    ['gpt-4o-2024-05-13', 'its own dated entry', 5],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini', 0.15],
    ['openai/GPT-4.1-mini', 'gpt-4.1-mini', 0.4],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet', 3],
    ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku (Bedrock id)', 0.8],
    ['claude-3-5-sonnet@20240620', 'claude-3-5-sonnet (Vertex id)', 3],
    ['models/gemini-1.5-pro-002', 'gemini-1.5-pro', 1.25],
    ['gemini-2.5-flash-preview-05-20', 'gemini-2.5-flash', 0.3],
    ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'llama-3.3-70b-instruct-turbo', 0.88],
  ])('prices %s as %s', (model, _as, input) => {
    expect(prices.lookup(model)?.input).toBe(input);
  });
  it.each(['gpt-4.5-preview-unknown', 'gpt-4o-mini-tts', 'my-finetune', ''])(
    'does not guess a price for %j',
    (model) => {
      expect(prices.lookup(model)).toBeUndefined();
    },
  );
});

describe('costOfTokens', () => {
  const price = { input: 3, output: 15, cachedInput: 0.3 };
  const tokens = (
    input: number | null,
    output: number | null,
    cached: number | null,
    cacheWrite: number | null = null,
  ) => ({
    inputTokens: input,
    outputTokens: output,
    cachedInputTokens: cached,
    cacheWriteTokens: cacheWrite,
  });
  it('charges cache reads at the cached price and the rest of the input at the input price', () => {
    expect(costOfTokens(price, tokens(1000, 100, 600))).toBeCloseTo((400 * 3 + 600 * 0.3 + 100 * 15) / 1e6, 15);
  });
  it('is null without tokens and never charges more cached tokens than input tokens', () => {
    expect(costOfTokens(price, tokens(null, null, 5))).toBeNull();
    expect(costOfTokens(price, tokens(10, null, 50))).toBeCloseTo((10 * 0.3) / 1e6, 15);
    expect(costOfTokens({ input: 1, output: 2 }, tokens(10, 10, 5))).toBeCloseTo(30 / 1e6, 15);
  });
  it('charges cache writes at the cache-write price (input price when the model has none)', () => {
    const withWrite = { ...price, cacheWrite: 3.75 };
    expect(costOfTokens(withWrite, tokens(1000, 0, 600, 300))).toBeCloseTo(
      (100 * 3 + 600 * 0.3 + 300 * 3.75) / 1e6,
      15,
    );
    expect(costOfTokens(price, tokens(1000, 0, 0, 300))).toBeCloseTo((1000 * 3) / 1e6, 15);
  });
});

describe('PRICES_FILE', () => {
  const file = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'prices-')), 'prices.json');
    writeFileSync(path, content);
    return path;
  };
  it('overrides and extends the shipped prices', () => {
    const prices = loadPriceTable(
      file(
        JSON.stringify({ models: { 'gpt-4o': { input: 1, output: 2 }, 'house-model': { input: 0.5, output: 0.5 } } }),
      ),
    );
    expect(prices.lookup('gpt-4o-2024-08-06')?.input).toBe(1);
    expect(prices.lookup('house-model')?.output).toBe(0.5);
    expect(prices.lookup('claude-3-haiku')?.input).toBe(0.25);
  });
  it('fails start-up with a message naming the bad entry', () => {
    expect(() => loadPriceTable(file('{"models":{"x":{"input":-1,"output":1}}}'))).toThrow(
      /PRICES_FILE .*models\.x\.input/,
    );
    expect(() => loadPriceTable(file('not json'))).toThrow(/cannot read a JSON price file/);
  });
});
