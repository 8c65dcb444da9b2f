import { expect } from 'vitest';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import { postJson } from './http.js';

/** Sets up prompts, versions, environments and deployments through the registry's HTTP API. */
export class RegistryFixture {
  constructor(private readonly apiUrl: string) {}

  private async send<T>(path: string, body: unknown): Promise<T> {
    const res = await postJson<T>(this.apiUrl, path, body);
    expect(res.status, `POST ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  }

  /** A prompt with `versions` versions (1..n), each with different content. */
  async prompt(name: string, versions: number): Promise<void> {
    await this.send('/api/v1/prompts', { name });
    for (let v = 1; v <= versions; v++) {
      await this.send(`/api/v1/prompts/${encodeURIComponent(name)}/versions`, {
        provider: 'openai',
        model: 'gpt-4o-mini',
        messages: [{ role: 'system', content: `You are support bot revision ${v}.` }],
      });
    }
  }

  async environment(name: string, policies: Record<string, unknown>): Promise<void> {
    await this.send('/api/v1/environments', { name, policies });
  }

  /** An `external` deployment at a past time. */
  external(prompt: string, environment: string, version: number, time: number): Promise<DeploymentEvent> {
    return this.send('/api/v1/deployments/external', { prompt, environment, version, timestamp: time, reason: 'test' });
  }

  deploy(prompt: string, environment: string, version: number, canaryPercent?: number): Promise<DeploymentEvent> {
    const canary = canaryPercent === undefined ? {} : { canaryPercent };
    return this.send('/api/v1/deployments', { prompt, environment, version, reason: 'test', ...canary });
  }
}
