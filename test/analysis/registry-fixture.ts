import { expect } from 'vitest';
import { postJson } from './http.js';

/** Sets up prompts, versions, environments and deployments through the registry's HTTP API. */
export class RegistryFixture {
  constructor(private readonly apiUrl: string) {}

  private async post(path: string, body: unknown, method = 'POST') {
    const res =
      method === 'POST'
        ? await postJson(this.apiUrl, path, body)
        : await fetch(this.apiUrl + path, {
            method,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  }

  /** A prompt with `versions` versions (1..n), each with different content. */
  async prompt(name: string, versions: number): Promise<void> {
    await this.post('/api/v1/prompts', { name });
    for (let v = 1; v <= versions; v++) {
      await this.post(`/api/v1/prompts/${encodeURIComponent(name)}/versions`, {
        provider: 'openai',
        model: 'gpt-4o-mini',
        messages: [{ role: 'system', content: `You are support bot revision ${v}.` }],
      });
    }
  }

  async environment(name: string, policies: Record<string, unknown>): Promise<void> {
    await this.post('/api/v1/environments', { name, policies });
  }

  /** An `external` deployment at a past time; returns the event. */
  async external(prompt: string, environment: string, version: number, time: number): Promise<Record<string, any>> {
    return this.post('/api/v1/deployments/external', { prompt, environment, version, timestamp: time, reason: 'test' });
  }

  async deploy(prompt: string, environment: string, version: number, canaryPercent?: number): Promise<Record<string, any>> {
    return this.post('/api/v1/deployments', { prompt, environment, version, reason: 'test', ...(canaryPercent ? { canaryPercent } : {}) });
  }
}
