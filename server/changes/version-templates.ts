import { findVersion } from '../registry/version-queries.js';
import type { Snapshot } from '../registry/version-snapshot.js';
import type { Store } from '../store/store.js';

/** Roles whose messages make up the system prompt. */
const SYSTEM_ROLES = new Set(['system', 'developer']);
const CACHE_SIZE = 1000;

/** A version's system prompt as a template (its system and developer messages, joined by a newline), or null. */
function systemTemplate(snapshot: Pick<Snapshot, 'messages'>): string | null {
  const texts = snapshot.messages
    .filter((m) => SYSTEM_ROLES.has(m.role))
    .map((m) =>
      typeof m.content === 'string'
        ? m.content
        : m.content.map((part) => (typeof part.text === 'string' ? part.text : '')).join(''),
    );
  return texts.length === 0 ? null : texts.join('\n');
}

/**
 * The system templates of prompt versions, read once each: versions never change. Null for a version that does not
 * exist or has no system message (nothing to compare with).
 */
export class VersionTemplates {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly store: Store) {}

  async get(prompt: string, version: string): Promise<string | null> {
    const key = `${prompt}\u0000${version}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const number = /^\d{1,9}$/.test(version) ? Number(version) : NaN;
    const found = Number.isNaN(number) ? undefined : await findVersion(this.store, prompt, number);
    const template = found ? systemTemplate(found) : null;
    if (found) this.remember(key, template); // an unknown version may be created later: not cached
    return template;
  }

  private remember(key: string, template: string | null): void {
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, template);
  }
}
