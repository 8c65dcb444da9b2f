import type { Params } from '../store/store.js';

/**
 * Many small inputs of one query (the deployments a run judges, their lanes and windows) bound as parameters:
 * values never become SQL text, and the SQL stays the same whatever their number.
 */
export interface BoundColumn {
  name: string;
  type: 'String' | 'UInt32' | 'Int64';
  values: readonly (string | number)[];
}

/**
 * A subquery yielding one row per index of the columns (all the same length), each bound as an array parameter
 * named `<prefix>_<column>`: `(SELECT tupleElement(t, 1) AS a, … FROM (SELECT arrayJoin(arrayZip(…)) AS t))`.
 */
export function boundTable(prefix: string, columns: readonly BoundColumn[], params: Params): string {
  const zipped = columns.map((c) => {
    params[`${prefix}_${c.name}`] = c.values;
    return `{${prefix}_${c.name}:Array(${c.type})}`;
  });
  const fields = columns.map((c, i) => `tupleElement(t, ${i + 1}) AS ${c.name}`);
  return `(SELECT ${fields.join(', ')} FROM (SELECT arrayJoin(arrayZip(${zipped.join(', ')})) AS t))`;
}

export interface LaneRange {
  environment: string;
  /** Absent: every prompt of the environment. */
  prompt?: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

/**
 * The rows of some lanes in some time ranges: `((env, prompt) IN <lanes> AND time in [from, to)) OR …`, one term per
 * band of overlapping ranges (the deployments of one run usually form a single band: the last hour or so; a verdict
 * re-opened by late data adds one). Lane sets are bound arrays, so the SQL does not grow with the number of lanes
 * and ClickHouse reads only those lanes' ranges of the tables ordered by (environment, prompt, time). Ranges without
 * a prompt select whole environments. `floorMinute` rounds each start down to its minute (rollups).
 */
export function laneRangeCondition(
  prefix: string,
  ranges: readonly LaneRange[],
  columns: { environment: string; prompt: string; time: string },
  params: Params,
  floorMinute = false,
): string {
  const bands = timeBands(ranges);
  if (bands.length === 0) return '0';
  return bands
    .map((band, i) => {
      const p = (name: string) => `${prefix}${name}${i}`;
      params[p('e')] = band.lanes.map((l) => l.environment);
      params[p('f')] = band.from;
      params[p('t')] = band.to;
      const from = `fromUnixTimestamp64Milli({${p('f')}:Int64})`;
      const time = `${columns.time} >= ${floorMinute ? `toStartOfMinute(${from})` : from} AND ${columns.time} < fromUnixTimestamp64Milli({${p('t')}:Int64})`;
      if (band.lanes.every((l) => l.prompt === undefined)) {
        return `(${columns.environment} IN {${p('e')}:Array(String)} AND ${time})`;
      }
      params[p('p')] = band.lanes.map((l) => l.prompt ?? '');
      const lanes = `SELECT tupleElement(l, 1), tupleElement(l, 2) FROM (SELECT arrayJoin(arrayZip({${p('e')}:Array(String)}, {${p('p')}:Array(String)})) AS l)`;
      return `((${columns.environment}, ${columns.prompt}) IN (${lanes}) AND ${time})`;
    })
    .join(' OR ');
}

interface Band {
  from: number;
  to: number;
  lanes: { environment: string; prompt?: string }[];
}

/** Ranges grouped into bands of overlapping time, each with the distinct lanes it covers. */
function timeBands(ranges: readonly LaneRange[]): Band[] {
  const bands: Band[] = [];
  for (const r of [...ranges].filter((r) => r.to > r.from).sort((a, b) => a.from - b.from)) {
    const last = bands.at(-1);
    if (last && r.from <= last.to) {
      last.to = Math.max(last.to, r.to);
      last.lanes.push(r);
    } else bands.push({ from: r.from, to: r.to, lanes: [r] });
  }
  for (const band of bands) {
    const seen = new Map(band.lanes.map((l) => [`${l.environment}\u0000${l.prompt ?? ''}`, l]));
    band.lanes = [...seen.values()].map((l) => ({
      environment: l.environment,
      ...(l.prompt !== undefined ? { prompt: l.prompt } : {}),
    }));
  }
  return bands;
}
