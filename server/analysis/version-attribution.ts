/**
 * Version inference at query time: a span (or score, or rollup row) that carries an environment and prompt but no
 * version is attributed to the version deployed in that environment at its time, by an as-of join against
 * deployment_events. Done when reading rather than when writing because deployments can be recorded late
 * (`external` events with their own past timestamp): a write-time guess could never be corrected, a query-time
 * join is always right. During a canary (after `canary_start`, until the next event) traffic is split, so an
 * unversioned span cannot be placed in either arm: it stays unattributed ('') rather than polluting the stable arm.
 * Rollup rows are attributed by their minute (the minute of a switch counts for the version live at its start).
 *
 * The SQL below binds {environment:String} and {prompt:String} (one lane), or reads the lanes a caller's filter
 * on deployment_events names (many lanes at once); `dep.attributed` is '' when nothing matches.
 */
export const ONE_LANE = 'environment = {environment:String} AND prompt = {prompt:String}';

const timeline = (laneFilter: string) => `(
    SELECT environment, prompt, time, if(kind = 'canary_start', '', toString(version)) AS attributed
    FROM deployment_events
    WHERE ${laneFilter}
  )`;

export interface AttributedColumns {
  /** Table alias of the left side. */
  alias: string;
  environment: string;
  prompt: string;
  version: string;
  time: string;
}

/** Column names of the span table and both rollups (alias `r`). */
export const SPAN_COLUMNS: AttributedColumns = {
  alias: 'r',
  environment: 'Environment',
  prompt: 'PromptName',
  version: 'PromptVersion',
  time: 'Timestamp',
};

export const ROLLUP_COLUMNS: AttributedColumns = { ...SPAN_COLUMNS, time: 'Minute' };

/** Column names of the scores table (alias `r`). */
export const SCORE_COLUMNS: AttributedColumns = {
  alias: 'r',
  environment: 'environment',
  prompt: 'prompt',
  version: 'version',
  time: 'span_time',
};

/** `ASOF LEFT JOIN` clause giving `dep.attributed` for every row of the left side. */
export function asofDeploymentJoin(c: AttributedColumns, laneFilter = ONE_LANE): string {
  return `ASOF LEFT JOIN ${timeline(laneFilter)} AS dep
    ON ${c.alias}.${c.environment} = dep.environment AND ${c.alias}.${c.prompt} = dep.prompt
    AND ${c.alias}.${c.time} >= dep.time`;
}

/** The version a row counts for: its own, else the inferred one ('' when unknown). */
export function attributedVersion(c: AttributedColumns): string {
  return `if(${c.alias}.${c.version} != '', ${c.alias}.${c.version}, dep.attributed)`;
}

/** 1 when the row's version was inferred by the join. */
export function isInferred(c: AttributedColumns): string {
  return `(${c.alias}.${c.version} = '' AND dep.attributed != '')`;
}
