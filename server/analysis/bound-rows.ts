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
 * `(env = e0 AND prompt = p0 AND time in [f0, t0)) OR …`: only these time ranges of these lanes are read from the
 * tables ordered by (environment, prompt, time). `floorMinute` rounds each start down to its minute (rollups).
 */
export function laneRangeCondition(
  prefix: string,
  lanes: readonly LaneRange[],
  columns: { environment: string; prompt: string; time: string },
  params: Params,
  floorMinute = false,
): string {
  if (lanes.length === 0) return '0';
  return lanes
    .map((lane, i) => {
      const p = (name: string) => `${prefix}${name}${i}`;
      params[p('e')] = lane.environment;
      params[p('f')] = lane.from;
      params[p('t')] = lane.to;
      const from = `fromUnixTimestamp64Milli({${p('f')}:Int64})`;
      const conditions = [
        `${columns.environment} = {${p('e')}:String}`,
        `${columns.time} >= ${floorMinute ? `toStartOfMinute(${from})` : from}`,
        `${columns.time} < fromUnixTimestamp64Milli({${p('t')}:Int64})`,
      ];
      if (lane.prompt !== undefined) {
        params[p('p')] = lane.prompt;
        conditions.push(`${columns.prompt} = {${p('p')}:String}`);
      }
      return `(${conditions.join(' AND ')})`;
    })
    .join(' OR ');
}

/** The ranges with overlapping or touching ranges of the same lane merged, empty ones dropped. */
export function mergeLaneRanges(ranges: readonly LaneRange[]): LaneRange[] {
  const byLane = new Map<string, LaneRange[]>();
  for (const r of ranges) {
    if (r.to <= r.from) continue;
    const key = `${r.environment}\u0000${r.prompt ?? ''}`;
    byLane.set(key, [...(byLane.get(key) ?? []), r]);
  }
  return [...byLane.values()].flatMap((lane) => {
    const merged: LaneRange[] = [];
    for (const r of [...lane].sort((a, b) => a.from - b.from)) {
      const last = merged.at(-1);
      if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
      else merged.push({ ...r });
    }
    return merged;
  });
}
