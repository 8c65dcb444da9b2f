import {
  arrayOf,
  integer,
  json,
  nullable,
  number,
  object,
  query,
  ref,
  string,
  taggedOperation,
  time,
  windowParams,
  type Feature,
} from './openapi-helpers.js';

const tag = 'overview';
const op = taggedOperation(tag);
const series = (description: string, item = nullable(number())) => arrayOf(item, description);

export const overviewFeature: Feature = {
  tag: {
    name: tag,
    description: 'Every lane (prompt × environment) at once: what is deployed, its latest verdict and its trends.',
  },
  schemas: {
    OverviewLane: object({
      prompt: string(),
      environment: string(),
      tags: arrayOf(string()),
      version: nullable(integer('The stable version.')),
      deploymentId: nullable(string('The event that made `version` live.')),
      since: nullable(time()),
      canary: nullable(object({ version: integer(), percent: number(), deploymentId: string(), startedAt: time() })),
      latestDeploymentId: nullable(string()),
      judgedDeploymentId: nullable(
        string('The deployment whose verdict is shown: the canary’s, else the stable one’s.'),
      ),
      verdict: nullable(ref('AnalysisSummary')),
      trend: object({
        series: object({
          requests: series('Requests per bucket.', integer()),
          latencyP95Ms: series('p95 latency per bucket (ms).'),
          errorRate: series('Error rate per bucket (0..1).'),
          quality: series('Mean quality per bucket (0..1).'),
        }),
        totals: object({
          requests: integer(),
          latestP95Ms: nullable(number('p95 latency of the latest bucket with requests (ms).')),
          errorRate: nullable(number()),
          quality: nullable(number()),
        }),
      }),
    }),
  },
  paths: {
    '/api/v1/overview': {
      get: op({
        id: 'getOverview',
        summary: 'Every lane’s deployed version, canary, latest verdict and trends, in one answer',
        description:
          'The same numbers as `GET /metrics/timeseries` per lane at the same window and step, from the per-minute rollups; the same verdict as `GET /deployments/{id}/analysis` (stored evaluations only). `lane` restricts the answer to some lanes (live refreshes).',
        params: [
          ...windowParams('6 hours'),
          query(
            'step',
            'Bucket size (`1m` … `1d`, at most 120 buckets); default: the finest giving at most 36. The window starts on a bucket boundary.',
          ),
          query('lane', '`<environment>:<prompt>`; repeat for several (at most 500).', {
            type: 'array',
            items: { type: 'string' },
          }),
        ],
        responses: {
          200: json(
            'The overview.',
            object({
              window: object({ from: time(), to: time() }),
              stepSeconds: integer(),
              buckets: arrayOf(time(), 'Bucket starts of every lane’s series.'),
              environments: arrayOf(ref('Environment')),
              lanes: arrayOf(ref('OverviewLane')),
              undeployed: arrayOf(object({ name: string(), tags: arrayOf(string()) }), 'Prompts deployed nowhere.'),
              anyTrace: {
                type: 'boolean',
                description: 'With no prompt registered: traces arrived in the last 30 days.',
              },
            }),
          ),
        },
        errors: [400],
      }),
    },
  },
};
