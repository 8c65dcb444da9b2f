import type { Store } from '../store/store.js';

/** A prompt: a unique name, a description and tags. `id` is the name (prompts are addressed by name). */
export interface Prompt {
  id: string;
  name: string;
  description: string;
  /** Free labels (`team:billing`, `owner:alice`) that overviews filter by. */
  tags: string[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

interface PromptRow {
  name: string;
  description: string;
  tags: string[];
  created_at: string;
  created_by: string;
  updated_at: string;
}

const COLUMNS = 'name, description, tags, created_at, created_by, updated_at';

const fromRow = (row: PromptRow): Prompt => ({
  id: row.name,
  name: row.name,
  description: row.description,
  tags: row.tags,
  createdAt: row.created_at,
  createdBy: row.created_by,
  updatedAt: row.updated_at,
});

export async function findPrompt(store: Store, name: string): Promise<Prompt | undefined> {
  const rows = await store.query<PromptRow>(`SELECT ${COLUMNS} FROM prompts FINAL WHERE name = {name:String}`, {
    name,
  });
  return rows[0] && fromRow(rows[0]);
}

export interface PromptFilter {
  /** Case-insensitive substring of the name. */
  search: string;
  /** Only prompts ever deployed to this environment ('' or absent: any). */
  environment?: string | undefined;
  limit: number;
  offset: number;
}

const FILTER = `(positionCaseInsensitive(name, {search:String}) > 0 OR {search:String} = '')
  AND ({environment:String} = ''
       OR name IN (SELECT DISTINCT prompt FROM deployment_events WHERE environment = {environment:String}))`;

export async function listPrompts(store: Store, filter: PromptFilter): Promise<Prompt[]> {
  const rows = await store.query<PromptRow>(
    `SELECT ${COLUMNS} FROM prompts FINAL WHERE ${FILTER}
     ORDER BY name LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    { ...filter, environment: filter.environment ?? '' },
  );
  return rows.map(fromRow);
}

/** How many prompts match the filter (for paging). */
export async function countPrompts(store: Store, filter: Omit<PromptFilter, 'limit' | 'offset'>): Promise<number> {
  const rows = await store.query<{ n: number }>(`SELECT count() AS n FROM prompts FINAL WHERE ${FILTER}`, {
    search: filter.search,
    environment: filter.environment ?? '',
  });
  return rows[0]?.n ?? 0;
}

/** Writes a prompt row; a newer `updatedAt` replaces the previous row of the same name. */
export async function insertPrompt(store: Store, prompt: Prompt): Promise<void> {
  await store.insert('prompts', [
    {
      name: prompt.name,
      description: prompt.description,
      tags: prompt.tags,
      created_at: prompt.createdAt,
      created_by: prompt.createdBy,
      updated_at: prompt.updatedAt,
    },
  ]);
}
