import { renderPrompt } from '../../clients/typescript/src/render.js';
import { findConnection, type Connection } from '../connections/connection-table.js';
import { judgeVariables } from '../evaluators/llm-judge.js';
import type { AskJudge } from '../evaluators/score-output.js';
import type { ModelClient } from '../models/model-client.js';
import { findVersion, type PromptVersion } from '../registry/version-queries.js';
import type { Store } from '../store/store.js';

/**
 * The I/O half of LLM-as-judge: the judge prompt version rendered with the subject, sent through the judge's
 * connection as its own traced call (prompt name and version of the judge), in the item's trace. Versions and
 * connections are looked up once per run.
 */
export function judgeAsker(store: Store, models: ModelClient) {
  const versions = new Map<string, Promise<PromptVersion | undefined>>();
  const connections = new Map<string, Promise<Connection | undefined>>();
  return (trace: { traceId: string; parentSpanId: string }, signal: AbortSignal): AskJudge =>
    async (definition, subject) => {
      const { prompt, version, connection: name, model } = definition.config;
      const key = `${prompt}\u0000${version}`;
      if (!versions.has(key)) versions.set(key, findVersion(store, prompt, version));
      if (!connections.has(name)) connections.set(name, findConnection(store, name));
      const judge = await versions.get(key);
      if (!judge) throw new Error(`judge prompt ${prompt} has no version ${version}`);
      const connection = await connections.get(name);
      if (!connection) throw new Error(`judge connection ${name} does not exist`);
      const { messages } = renderPrompt(judge, judgeVariables(subject));
      const answer = await models.complete(
        connection,
        { model: model ?? judge.model, messages, settings: judge.settings, responseSchema: judge.responseSchema },
        { signal, trace, prompt: { name: prompt, version }, attributes: { 'tracelane.evaluator': definition.name } },
      );
      return answer.text;
    };
}
