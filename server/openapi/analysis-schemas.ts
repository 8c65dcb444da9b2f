import { METRIC_NAMES } from '../stats/thresholds.js';
import {
  arrayOf,
  boolean,
  integer,
  nullable,
  number,
  object,
  ref,
  string,
  time,
  type Schema,
} from './openapi-helpers.js';

/** The analysis objects: metric values, verdicts, deployment analyses, comparisons, scores, offline evaluations. */

const VERDICTS = ['pass', 'warn', 'fail', 'inconclusive'];
/** A deployment's overall verdict adds `collecting`: a critical metric still lacks samples (never `pass` then). */
const OVERALL_VERDICTS = [...VERDICTS, 'collecting'];
const maybe = (description: string) => nullable(number(description));

/** The numbers of one group of requests, shared by time-series points and comparison rows. */
export const metricValues: Record<string, Schema> = {
  requests: integer(),
  errors: integer(),
  errorRate: maybe('errors / requests; null without requests.'),
  latencyP50Ms: maybe('Median latency (ms).'),
  latencyP95Ms: maybe('95th percentile latency (ms).'),
  latencyP99Ms: maybe('99th percentile latency (ms).'),
  costPerRequest: maybe('Mean cost (USD) of the requests whose cost is known.'),
  totalCost: number('Sum of the known costs (USD).'),
  pricedRequests: integer('Requests whose cost is known.'),
  inputTokensPerRequest: maybe('Mean input tokens.'),
  outputTokensPerRequest: maybe('Mean output tokens (reasoning included).'),
  cacheWriteTokensPerRequest: maybe('Mean cache-write tokens of the requests that report them.'),
  reasoningTokensPerRequest: maybe('Mean reasoning tokens of the requests that report them.'),
  timeToFirstTokenP50Ms: maybe('Median time to first token of the streamed requests (ms).'),
  timeToFirstTokenP95Ms: maybe('95th percentile time to first token of the streamed requests (ms).'),
  streamedRequests: integer('Requests with a time to first token.'),
  embeddingRequests: integer('Embedding calls (their own operation: not in requests or latency).'),
  embeddingCost: number('Sum of the known costs of the embedding calls (USD).'),
  embeddingLatencyP50Ms: maybe('Median latency of the embedding calls (ms).'),
  quality: maybe('Mean quality 0..1 (span quality and posted scores).'),
  qualityLow: maybe('Lower bound of the 95% interval of the quality mean.'),
  qualityHigh: maybe('Upper bound of the 95% interval of the quality mean.'),
  scoredCount: integer('Requests with a quality score.'),
  inferredRequests: integer('Requests whose version was inferred from the deployment history.'),
};

const arm = (description: string) =>
  object(
    {
      version: nullable(integer()),
      from: nullable(time()),
      to: nullable(time()),
      requests: integer(),
      description: string(),
    },
    [],
    description,
  );

export const offlineRun = object({
  runId: string(),
  version: integer(),
  dataset: string(),
  createdAt: time(),
  items: integer(),
  passed: integer('Items scoring at least 0.5.'),
  meanScore: number(),
  categories: arrayOf(object({ category: string(), items: integer(), passed: integer(), meanScore: number() })),
});

const regressionFields = {
  deploymentId: string(),
  environment: string(),
  prompt: string(),
  kind: string('Deployment kind.'),
  version: integer(),
  previousVersion: nullable(integer()),
  deployedAt: time(),
  evaluatedAt: time(),
  verdict: string('', { enum: OVERALL_VERDICTS }),
  reason: string('The verdict in words, quoting the deciding metrics.'),
  worstMetric: nullable(ref('MetricVerdict')),
};

const collecting = nullable(
  object(
    {
      metrics: arrayOf(
        object(
          {
            name: string('', { enum: METRIC_NAMES }),
            n: object({ baseline: integer(), candidate: integer() }, [], 'Observations per arm so far.'),
            needed: integer('Observations needed per arm.'),
            neededEvents: integer('Error rate: errors needed in both arms together.'),
            expectedAt: nullable(time('When it can be judged at the current traffic; null without traffic.')),
          },
          ['neededEvents'],
        ),
      ),
      expectedAt: nullable(time('When every critical metric can be judged.')),
      afterWindowEnd: boolean('Expected only after the window closes: it would end `inconclusive`.'),
    },
    [],
    'While `collecting`: the samples so far and when a verdict is expected.',
  ),
);

export const analysisSchemas: Record<string, Schema> = {
  MetricVerdict: object(
    {
      name: string('', { enum: METRIC_NAMES }),
      verdict: string('', { enum: VERDICTS }),
      critical: boolean('Can trigger an automatic rollback.'),
      mode: string('', { enum: ['fixed', 'sequential'] }),
      n: object({ baseline: integer(), candidate: integer() }, [], 'Observations per arm.'),
      baseline: number('Baseline estimate (error rate as a fraction, latency in ms, mean cost / tokens / quality).'),
      candidate: number('Candidate estimate.'),
      effect: number(
        'candidate / baseline (ratio) or candidate − baseline (difference), drift-corrected when applicable.',
      ),
      effectKind: string('', { enum: ['ratio', 'difference'] }),
      change: number('candidate − baseline.'),
      test: string('The test that decided significance.'),
      pValue: number('One-sided p-value in the harmful direction (fixed tests).'),
      eValue: number('mSPRT e-value (sequential tests).'),
      alpha: object({ warn: number(), fail: number() }),
      threshold: object(
        { warn: number(), fail: number() },
        [],
        'Effect thresholds; may carry `warnMinIncrease` / `failIncrease`.',
      ),
      drift: object(
        { kind: string(), value: number(), peers: integer(), rawEffect: number() },
        [],
        'Peer drift removed.',
      ),
      earlyStop: boolean('Failed early on overwhelming evidence, measured from the switch on.'),
      reason: string(),
    },
    ['pValue', 'eValue', 'drift', 'earlyStop'],
    'The judgement of one metric.',
  ),
  DeploymentAnalysis: object(
    {
      ...regressionFields,
      mode: string('Baseline: the concurrent canary arm, or the previous version before the switch.', {
        enum: ['canary', 'before_after'],
      }),
      final: boolean('The evaluation window has closed: this is the final verdict.'),
      complete: boolean('Every critical metric could be judged.'),
      decisive: boolean('A failing critical metric has overwhelming evidence: automatic rollback may come sooner.'),
      collecting,
      lateData: boolean('Evaluated again because data arrived after the window had closed.'),
      bakeEnded: boolean(),
      windowEnd: time(),
      failing: arrayOf(string(), 'Metrics judged `fail`.'),
      warning: arrayOf(string(), 'Metrics judged `warn`.'),
      pending: arrayOf(string(), 'Metrics without enough samples yet.'),
      baseline: arm('The baseline arm.'),
      candidate: arm('The candidate arm.'),
      driftCorrection: boolean('Peer drift was subtracted.'),
      metrics: arrayOf(ref('MetricVerdict')),
      configProblem: nullable(string('Set when the environment’s detector overrides were invalid.')),
      stored: boolean('False when no stored evaluation existed and this one was computed now.'),
      history: arrayOf(
        object({
          evaluatedAt: time(),
          verdict: string('', { enum: OVERALL_VERDICTS }),
          final: boolean(),
          reason: string(),
          worstMetric: nullable(string()),
        }),
        'Every stored evaluation, oldest first.',
      ),
      lastKnownGood: nullable(ref('LastKnownGood')),
    },
    [],
    'A deployment’s verdict with the numbers behind it.',
  ),
  AnalysisSummary: object(
    {
      deploymentId: string(),
      verdict: string('', { enum: OVERALL_VERDICTS }),
      reason: string('At most 300 characters.'),
      final: boolean(),
      evaluatedAt: time(),
      lateData: boolean(),
      decisive: boolean(),
      worstMetric: nullable(
        object({
          name: string(),
          verdict: string(),
          baseline: nullable(number()),
          candidate: nullable(number()),
          effect: nullable(number()),
          effectKind: string(),
        }),
      ),
      collecting,
    },
    [],
    'What overviews show of a deployment’s latest evaluation.',
  ),
  LastKnownGood: object({ deploymentId: string(), version: integer(), deployedAt: time(), evaluatedAt: time() }),
  Regression: object({
    status: string('', { enum: ['open', 'resolved'] }),
    resolvedBy: nullable(
      object(
        { id: string(), kind: string(), version: integer(), time: time(), actor: string() },
        [],
        'The event that replaced it.',
      ),
    ),
    ...regressionFields,
    metrics: arrayOf(ref('MetricVerdict'), 'The `fail` and `warn` metrics, worst first.'),
  }),
  Timeseries: object({
    environment: string(),
    prompt: string(),
    from: time(),
    to: time(),
    stepSeconds: integer(),
    groupBy: nullable(string('', { enum: ['version', 'model'] })),
    series: arrayOf(
      object(
        {
          version: string('The group’s version (grouped by version); empty: unattributed.'),
          model: string('The group’s model (grouped by model).'),
          points: arrayOf(object({ time: time('Bucket start.'), ...metricValues })),
        },
        ['version', 'model'],
      ),
    ),
    deployments: arrayOf(ref('DeploymentEvent'), 'Deployment events in the window, oldest first (chart markers).'),
  }),
  Comparison: object({
    environment: string(),
    prompt: string(),
    from: time(),
    to: time(),
    groupBy: nullable(string('', { enum: ['model'] })),
    rows: arrayOf(
      object(
        {
          version: string(),
          model: string('With `groupBy=model`.'),
          ...metricValues,
          offline: nullable(offlineRun),
        },
        ['model'],
      ),
    ),
  }),
  Score: object({
    id: string(),
    traceId: string(),
    spanId: string('The generation span the score was attributed to.'),
    name: string(),
    value: number('0..1; booleans are stored as 1 / 0.'),
    source: string('', { enum: ['user', 'evaluator', 'human'] }),
    comment: string(),
    environment: string(),
    prompt: string(),
    version: string(),
    model: string(),
    spanTime: time(),
    createdAt: time(),
  }),
  OfflineRun: { allOf: [object({ id: string(), prompt: string() }), offlineRun] },
};
