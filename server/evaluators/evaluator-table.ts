import type { Store } from '../store/store.js';
import type { EvaluatorConfig, EvaluatorDefinition } from './evaluator-spec.js';

/** A stored evaluator: its definition and provenance. Latest row per name wins. */
export interface StoredEvaluator extends EvaluatorDefinition {
  type: EvaluatorConfig['type'];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

interface Row {
  name: string;
  type: string;
  config: string;
  description: string;
  created_at: string;
  created_by: string;
  updated_at: string;
}

const COLUMNS = 'name, type, config, description, created_at, created_by, updated_at';
const fromRow = (r: Row): StoredEvaluator => ({
  name: r.name,
  type: r.type as EvaluatorConfig['type'],
  description: r.description,
  config: JSON.parse(r.config) as EvaluatorConfig,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
});

export async function listEvaluators(store: Store, names?: readonly string[]): Promise<StoredEvaluator[]> {
  const rows = await store.query<Row>(
    `SELECT ${COLUMNS} FROM evaluators FINAL
     WHERE deleted = 0 AND (empty({names:Array(String)}) OR has({names:Array(String)}, name))
     ORDER BY name`,
    { names: names ?? [] },
  );
  return rows.map(fromRow);
}

export async function findEvaluator(store: Store, name: string): Promise<StoredEvaluator | undefined> {
  return (await listEvaluators(store, [name]))[0];
}

export async function writeEvaluator(store: Store, e: StoredEvaluator, deleted = false): Promise<void> {
  await store.insert('evaluators', [
    {
      name: e.name,
      type: e.config.type,
      config: JSON.stringify(e.config),
      description: e.description,
      created_at: e.createdAt,
      created_by: e.createdBy,
      deleted: deleted ? 1 : 0,
      updated_at: e.updatedAt,
    },
  ]);
}
