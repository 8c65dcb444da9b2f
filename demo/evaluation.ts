import { ApiError, type ApiClient } from './api-client.js';
import { PROMPT } from './story.js';
import { DATASET, EVALUATOR, datasetItems } from './test-set.js';

/**
 * The demo's offline evaluation, set up on the first start: the labelled test set as a dataset, the
 * `routing_correct` evaluator (the answer's `team` against the expected `team`), a model connection to the
 * simulated model's local OpenAI-compatible endpoint, the experiment of version 2 against version 1 — run before
 * version 2 ships — and production's release gate on the dataset. Returns the experiment's run id, or null when the
 * evaluation could not be set up (a key that is not an admin, or a Tracelane that may not reach the endpoint): the
 * rest of the demo then plays without a gate.
 */
export const CONNECTION = 'simulated-model';
const FINISHED = ['completed', 'failed', 'cancelled', 'interrupted'];

interface Run {
  id: string;
  state: string;
  message?: string;
}

export async function setUpEvaluation(
  api: ApiClient,
  modelUrl: string,
  say: (line: string) => void,
): Promise<string | null> {
  try {
    await api.post('/api/v1/connections', {
      name: CONNECTION,
      kind: 'openai',
      baseUrl: modelUrl,
      maxConcurrency: 4,
      requestsPerMinute: 6000,
      timeoutMs: 10_000,
      maxRetries: 1,
      description: 'The demo’s simulated model (a local OpenAI-compatible endpoint)',
    });
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 403 && err.status !== 400)) throw err;
    say(`[eval] no experiment and no release gate: the model connection was refused (${err.message})`);
    return null;
  }
  await api.post('/api/v1/datasets', {
    name: DATASET,
    description: 'Labelled support tickets: five per team',
    items: datasetItems(),
  });
  await api.post('/api/v1/evaluators', {
    name: EVALUATOR,
    config: { type: 'json_field', field: 'team' },
    description: 'The answer routes the ticket to the expected team',
  });
  const started = await api.post<Run & { baseline: Run | null }>('/api/v1/experiments', {
    prompt: PROMPT,
    version: 2,
    baselineVersion: 1,
    dataset: DATASET,
    evaluators: [EVALUATOR],
    connection: CONNECTION,
  });
  say(`[eval] experiment: version 2 against version 1 on the ${DATASET} test set (20 tickets)`);
  for (const id of [started.baseline?.id, started.id]) if (id) await finished(api, id);
  await api.patch('/api/v1/environments/production', { policies: { releaseGate: { dataset: DATASET } } });
  const rows = await api.get<{ comparison: { scores: { categories: { summary: string }[] }[] } }>(
    `/api/v1/experiments/${started.id}/comparison`,
  );
  for (const row of rows.comparison.scores[0]?.categories ?? []) say(`[eval]   ${row.summary.split(';')[0] ?? ''}`);
  say(`[eval] production now requires a passing experiment on ${DATASET} (its release gate; see Settings)`);
  return started.id;
}

/** Polls the run until it is finished; at most a minute (the endpoint answers at once). */
async function finished(api: ApiClient, id: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = await api.get<Run>(`/api/v1/experiments/${id}`);
    if (FINISHED.includes(run.state)) {
      if (run.state !== 'completed') throw new Error(`experiment ${id} ${run.state}: ${run.message ?? ''}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`experiment ${id} did not finish within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
