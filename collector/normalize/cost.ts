import type { PriceTable } from '../pricing/price-table.js';
import { costOfTokens } from '../pricing/price-table.js';
import type { NormalizeStep, SpanInput } from './llm-fields.js';
import { fromSpan, jsonObjectAttribute, parseAmount } from './lookup.js';

/**
 * The cost the span reports itself, in USD: Langfuse `cost_details` and MLflow `mlflow.llm.cost` (their total, else
 * the sum of their parts), OpenInference `llm.cost.total` (else prompt + completion), OpenLIT `gen_ai.usage.cost`,
 * pydantic-ai `operation.cost`.
 */
export const readOwnCost: NormalizeStep = {
  name: 'readOwnCost',
  apply: (input) => ({
    costUsd:
      costObject(input, 'langfuse.observation.cost_details', 'total') ??
      costObject(input, 'mlflow.llm.cost', 'total_cost') ??
      openInferenceCost(input) ??
      parseAmount(fromSpan(input, ['gen_ai.usage.cost', 'operation.cost'])),
  }),
};

function costObject(input: SpanInput, key: string, totalKey: string): number | null {
  if (input.span.attributes[key] === undefined) return null;
  const details = jsonObjectAttribute(input.span.attributes, key);
  if (!details) return null;
  const parts = Object.entries(details).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
  );
  const total = parts.find(([part]) => part === totalKey);
  if (total) return total[1];
  return parts.length === 0 ? null : parts.reduce((sum, [, n]) => sum + n, 0);
}

function openInferenceCost(input: SpanInput): number | null {
  const total = parseAmount(fromSpan(input, ['llm.cost.total']));
  if (total !== null) return total;
  const prompt = parseAmount(fromSpan(input, ['llm.cost.prompt']));
  const completion = parseAmount(fromSpan(input, ['llm.cost.completion']));
  return prompt === null && completion === null ? null : (prompt ?? 0) + (completion ?? 0);
}

/**
 * When the span reports no cost, it is computed from its tokens and the price of the model that answered (the
 * response model, the most precise snapshot name) or else the normalised model. Unknown model: null.
 */
export function computeCost(prices: PriceTable): NormalizeStep {
  return {
    name: 'computeCost',
    apply: (_input, fields) => {
      if (fields.costUsd !== null) return {};
      const price =
        (fields.responseModel && prices.lookup(fields.responseModel)) || (fields.model && prices.lookup(fields.model));
      if (!price) return {};
      return { costUsd: costOfTokens(price, fields) };
    },
  };
}
