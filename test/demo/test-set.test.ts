import { describe, expect, it } from 'vitest';
import { renderPrompt } from '../../clients/typescript/src/render.js';
import { completion, startModelEndpoint } from '../../demo/model-endpoint.js';
import { VERSION_1, VERSION_2 } from '../../demo/story.js';
import { datasetItems, TEST_SET } from '../../demo/test-set.js';
import { TEAMS } from '../../demo/tickets.js';

/**
 * The demo's data pieces, fast: the test set has five tickets per team, and the simulated model behind the demo's
 * OpenAI-compatible endpoint, given each version's rendered prompt, routes billing 4/5 with version 1 and 2/5 with
 * version 2 — every other team 5/5 with both.
 */
type Snapshot = typeof VERSION_1;

function teamAnswered(version: Snapshot, item: ReturnType<typeof datasetItems>[number]): string {
  const template = { messages: version.messages, variables: version.variables.map((name) => ({ name })) };
  const { messages } = renderPrompt(template, item.input);
  const answer = completion({ model: version.model, messages }) as {
    choices: { message: { content: string } }[];
  };
  return (JSON.parse(answer.choices[0]!.message.content) as { team: string }).team;
}

function correctByTeam(version: Snapshot): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(TEAMS.map((t) => [t, 0]));
  for (const item of datasetItems()) {
    if (teamAnswered(version, item) === item.expected.team) counts[item.category]! += 1;
  }
  return counts;
}

describe('the demo test set and its simulated model', () => {
  it('has 20 labelled tickets, five per team, with unique ids', () => {
    expect(TEST_SET).toHaveLength(20);
    for (const team of TEAMS) expect(TEST_SET.filter((t) => t.team === team)).toHaveLength(5);
    expect(new Set(datasetItems().map((i) => i.id)).size).toBe(20);
  });

  it('scores version 1 billing 4/5 and version 2 billing 2/5, every other team 5/5 with both', () => {
    expect(correctByTeam(VERSION_1)).toEqual({ billing: 4, auth: 5, 'api-platform': 5, dashboard: 5 });
    expect(correctByTeam(VERSION_2)).toEqual({ billing: 2, auth: 5, 'api-platform': 5, dashboard: 5 });
  });

  it('answers over HTTP as an OpenAI-compatible chat completion, with usage', async () => {
    const endpoint = await startModelEndpoint();
    try {
      const res = await fetch(`${endpoint.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: VERSION_2.messages[0]!.content },
            { role: 'user', content: 'Subject: Usage charges\n\nWe exceeded our API request quota and got charged.' },
          ],
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { choices: { message: { content: string } }[]; usage: object };
      expect(JSON.parse(body.choices[0]!.message.content)).toMatchObject({ team: 'api-platform' });
      expect(body.usage).toMatchObject({ prompt_tokens: expect.any(Number) as number });
      expect((await fetch(`${endpoint.url}/models`)).status).toBe(404);
    } finally {
      await endpoint.close();
    }
  });
});
