import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CachedLane, PromptCache } from './lane.js';

/**
 * A PromptCache in a folder (Node only: `@tracelane/client/file-cache`): one JSON file per prompt and environment,
 * written atomically (a temporary file renamed over the old one) whenever the served versions change, read when
 * Tracelane cannot be reached at start-up, so a restart during an outage serves the last known versions.
 */
export function fileCache(dir: string): PromptCache {
  const fileOf = (prompt: string, environment: string) =>
    join(dir, `${encodeURIComponent(prompt)}@${encodeURIComponent(environment)}.json`);
  return {
    async load(prompt, environment) {
      let text: string;
      try {
        text = await readFile(fileOf(prompt, environment), 'utf8');
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
      const lane = JSON.parse(text) as Partial<CachedLane>;
      if (!lane.resolution || !Array.isArray(lane.versions) || typeof lane.confirmedAt !== 'number') {
        throw new Error(`${fileOf(prompt, environment)}: not a Tracelane prompt cache file`);
      }
      return lane as CachedLane;
    },
    async save(prompt, environment, lane) {
      await mkdir(dir, { recursive: true });
      const file = fileOf(prompt, environment);
      const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temporary, JSON.stringify(lane));
      await rename(temporary, file);
    },
  };
}
