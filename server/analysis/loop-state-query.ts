import {
  DEPLOYMENT_EVENT_COLUMNS,
  eventFromRow,
  type DeploymentEvent,
  type DeploymentEventRow,
} from '../registry/deployment-event.js';
import { laneKey } from '../registry/keyed-mutex.js';
import type { OverallVerdict } from '../stats/index.js';
import type { Store } from '../store/store.js';
import { JUDGED_KINDS } from './baseline.js';

/**
 * What the analysis loop knows at the start of a run, in two queries whatever the number of deployments: every
 * judged deployment of the look-back window with its latest evaluation (verdict, final, when, data watermark,
 * consecutive failing evaluations), and the events of their lanes in replay order.
 */
export interface LatestEvaluation {
  /** Epoch ms (the loop's clock). */
  evaluatedAt: number;
  verdict: OverallVerdict;
  final: boolean;
  decisive: boolean;
  /** Requests in its candidate arm. */
  candidateRequests: number;
  /** Epoch ms (the store's clock): data that arrived after it may not be in that evaluation. */
  watermark: number;
  /** Evaluations in a row, ending with the latest, whose verdict was `fail`. */
  failStreak: number;
}

export interface DeploymentState {
  deployment: DeploymentEvent;
  latest: LatestEvaluation | null;
}

export interface LoopState {
  deployments: DeploymentState[];
  /** Events per lane (laneKey(prompt, environment)), oldest first. */
  lanes: Map<string, DeploymentEvent[]>;
}

type StateRow = DeploymentEventRow & {
  evaluated: number;
  evaluatedAtMs: number;
  latestVerdict: string;
  latestFinal: number;
  latestDecisive: number;
  latestRequests: number;
  watermarkMs: number;
  failStreak: number;
};

const JUDGED = `time >= fromUnixTimestamp64Milli({since:Int64}) AND time <= fromUnixTimestamp64Milli({now:Int64})
  AND kind IN {kinds:Array(String)}`;

export async function loadLoopState(store: Store, since: number, now: number): Promise<LoopState> {
  const params = { since, now, kinds: JUDGED_KINDS };
  const [rows, laneRows] = await Promise.all([
    store.query<StateRow>(
      `SELECT ${DEPLOYMENT_EVENT_COLUMNS}, a.deployment_id != '' AS evaluated,
         toUnixTimestamp64Milli(a.last_at) AS evaluatedAtMs, a.last_verdict AS latestVerdict,
         a.last_final AS latestFinal, a.last_decisive AS latestDecisive, a.last_requests AS latestRequests,
         toUnixTimestamp64Milli(a.last_watermark) AS watermarkMs, a.fail_streak AS failStreak
       FROM (SELECT * FROM deployment_events WHERE ${JUDGED}) AS d
       LEFT JOIN (
         SELECT deployment_id, max(evaluated_at) AS last_at, argMax(verdict, evaluated_at) AS last_verdict,
           argMax(final, evaluated_at) AS last_final, argMax(data_watermark, evaluated_at) AS last_watermark,
           argMax(decisive, evaluated_at) AS last_decisive, argMax(candidate_requests, evaluated_at) AS last_requests,
           arrayMap(x -> x.2, arrayReverseSort(groupArray((evaluated_at, verdict)))) AS newest_first,
           if(arrayAll(v -> v = 'fail', newest_first), length(newest_first),
              arrayFirstIndex(v -> v != 'fail', newest_first) - 1) AS fail_streak
         FROM deployment_analyses
         WHERE deployment_id IN (SELECT id FROM deployment_events WHERE ${JUDGED})
         GROUP BY deployment_id
       ) AS a ON a.deployment_id = d.id
       ORDER BY time, recorded_at, id`,
      params,
    ),
    store.query<DeploymentEventRow>(
      `SELECT ${DEPLOYMENT_EVENT_COLUMNS} FROM deployment_events
       WHERE (environment, prompt) IN (SELECT environment, prompt FROM deployment_events WHERE ${JUDGED})
       ORDER BY time, recorded_at, id`,
      params,
    ),
  ]);
  const lanes = new Map<string, DeploymentEvent[]>();
  for (const event of laneRows.map(eventFromRow)) {
    const key = laneKey(event.prompt, event.environment);
    const lane = lanes.get(key);
    if (lane) lane.push(event);
    else lanes.set(key, [event]);
  }
  return {
    lanes,
    deployments: rows.map((r) => ({
      deployment: eventFromRow(r),
      latest:
        r.evaluated === 1
          ? {
              evaluatedAt: r.evaluatedAtMs,
              verdict: r.latestVerdict as OverallVerdict,
              final: r.latestFinal === 1,
              decisive: r.latestDecisive === 1,
              candidateRequests: r.latestRequests,
              watermark: r.watermarkMs,
              failStreak: r.failStreak,
            }
          : null,
    })),
  };
}
