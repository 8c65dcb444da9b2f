/**
 * The shapes of the API answers the UI reads (the published contract of the server's routers). Only the fields
 * the UI uses are listed.
 */
export type Role = 'viewer' | 'deployer' | 'admin';

export interface Me {
  name: string;
  role: Role;
  authEnabled: boolean;
}

export type Verdict = 'pass' | 'warn' | 'fail' | 'inconclusive';

export type DeploymentKind = 'deploy' | 'rollback' | 'canary_start' | 'canary_promote' | 'canary_abort' | 'external';

export interface DeploymentEvent {
  id: string;
  time: string;
  environment: string;
  prompt: string;
  version: number;
  previousVersion: number | null;
  kind: DeploymentKind;
  canaryPercent: number | null;
  actor: string;
  reason: string;
  /** For `external` deployments: who deployed, as the caller reported it (absent on chart markers). */
  externalActor?: string | null;
}

export interface MetricValues {
  requests: number;
  errors: number;
  errorRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  costPerRequest: number | null;
  totalCost: number;
  pricedRequests: number;
  inputTokensPerRequest: number | null;
  outputTokensPerRequest: number | null;
  quality: number | null;
  qualityLow: number | null;
  qualityHigh: number | null;
  scoredCount: number;
  inferredRequests: number;
}

export interface TimeseriesPoint extends MetricValues {
  time: string;
}

export interface Timeseries {
  environment: string;
  prompt: string;
  from: string;
  to: string;
  stepSeconds: number;
  groupBy: 'version' | 'model' | null;
  series: { version?: string; model?: string; points: TimeseriesPoint[] }[];
  deployments: DeploymentEvent[];
}

export interface Environment {
  name: string;
  order: number;
  primary: boolean;
  protected: boolean;
}

export interface Prompt {
  name: string;
  description: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface Message {
  role: string;
  content: string | Record<string, unknown>[];
  name?: string;
}

export interface PromptVersion {
  id: string;
  prompt: string;
  version: number;
  provider: string;
  model: string;
  settings: Record<string, unknown>;
  messages: Message[];
  variables: { name: string; description?: string; required?: boolean; default?: string }[];
  tools: Record<string, unknown>[];
  responseSchema: Record<string, unknown> | null;
  mcpServers: Record<string, unknown>[];
  metadata: Record<string, unknown>;
  contentHash: string;
  commitMessage: string;
  author: string;
  createdAt: string;
}

export interface CanaryState {
  version: number;
  percent: number;
  deploymentId: string;
  startedAt: string;
}

/** What is live for a prompt in one environment. */
export interface LaneSummary {
  environment: string;
  version: number | null;
  deploymentId: string | null;
  since: string | null;
  canary: CanaryState | null;
  latestDeploymentId: string | null;
}

export interface PromptOverview extends Prompt {
  latestVersion: number | null;
  deployments: LaneSummary[];
}

export interface DiffLine {
  op: 'equal' | 'add' | 'remove';
  text: string;
}

export interface EntryChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
  from: unknown;
  to: unknown;
}

export interface MessageChange {
  index: number;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  from: Message | null;
  to: Message | null;
  lines: DiffLine[];
}

export interface ValueChange<T> {
  from: T;
  to: T;
}

export interface VersionDiff {
  prompt: string;
  from: { version: number; environment: string | null };
  to: { version: number; environment: string | null };
  identical: boolean;
  changes: {
    provider: ValueChange<string> | null;
    model: ValueChange<string> | null;
    settings: EntryChange[];
    messages: MessageChange[];
    variables: EntryChange[];
    tools: EntryChange[];
    responseSchema: ValueChange<Record<string, unknown> | null> | null;
    mcpServers: EntryChange[];
    metadata: EntryChange[];
  };
}

export interface CategoryResult {
  category: string;
  items: number;
  passed: number;
  meanScore: number;
}

export interface OfflineRun {
  runId: string;
  version: number;
  dataset: string;
  createdAt: string;
  items: number;
  passed: number;
  meanScore: number;
  categories: CategoryResult[];
}

export interface CompareRow extends MetricValues {
  version: string;
  model?: string;
  offline: OfflineRun | null;
}

export interface Comparison {
  environment: string;
  prompt: string;
  from: string;
  to: string;
  groupBy: 'model' | null;
  rows: CompareRow[];
}

/** A deploy to a protected environment by a deployer: waits for another key's approval. */
export interface DeploymentRequest {
  id: string;
  status: 'pending' | 'approved' | 'rejected';
  prompt: string;
  environment: string;
  version: number;
}

export type MetricName =
  | 'error_rate'
  | 'latency_p50'
  | 'latency_p95'
  | 'latency_p99'
  | 'cost_per_request'
  | 'input_tokens'
  | 'output_tokens'
  | 'quality';

/** One metric's judgement in a deployment analysis: both arms with n, the effect, the test and the verdict. */
export interface MetricJudgement {
  name: MetricName;
  verdict: Verdict;
  /** Critical metrics can fail a deployment (and trigger automatic rollback). */
  critical: boolean;
  n: { baseline: number; candidate: number };
  /** Estimates (null when an arm has no data). */
  baseline: number | null;
  candidate: number | null;
  effect: number | null;
  effectKind: 'ratio' | 'difference';
  change: number | null;
  test: string;
  pValue?: number | null;
  eValue?: number | null;
  threshold: { warn: number; fail: number };
  /** The verdict explained with its numbers. */
  reason: string;
}

export interface AnalysisArm {
  version: number | null;
  from: string | null;
  to: string | null;
  requests: number;
  description: string;
}

export interface DeploymentAnalysis {
  deploymentId: string;
  environment: string;
  prompt: string;
  kind: DeploymentKind;
  version: number;
  previousVersion: number | null;
  deployedAt: string;
  evaluatedAt: string;
  verdict: Verdict;
  reason: string;
  final: boolean;
  baseline: AnalysisArm;
  candidate: AnalysisArm;
  worstMetric: MetricJudgement | null;
  metrics: MetricJudgement[];
  history: { evaluatedAt: string; verdict: Verdict; final: boolean; reason: string; worstMetric: string | null }[];
  lastKnownGood: { deploymentId: string; version: number; deployedAt: string } | null;
}

/** A deployment whose latest verdict is warn or fail; its failing and warning metrics come worst first. */
export interface Regression {
  status: 'open' | 'resolved';
  deploymentId: string;
  environment: string;
  prompt: string;
  kind: DeploymentKind;
  version: number;
  previousVersion: number | null;
  deployedAt: string;
  evaluatedAt: string;
  verdict: Verdict;
  reason: string;
  worstMetric: MetricJudgement | null;
  metrics: MetricJudgement[];
}

export interface TraceSummary {
  traceId: string;
  rootSpanName: string;
  serviceName: string;
  start: string;
  durationMs: number;
  spanCount: number;
  generationCount: number;
  hasError: boolean;
  environments: string[];
  prompts: { name: string; version: string }[];
  models: string[];
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

export interface TracePage {
  traces: TraceSummary[];
  nextCursor: string | null;
  window: { from: string; to: string };
}

export interface TraceSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  serviceName: string;
  scope: { name: string; version: string };
  start: string;
  durationMs: number;
  status: { code: string; message: string };
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  events: { time: string; name: string; attributes: Record<string, string> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, string> }[];
  llm: {
    environment: string;
    promptName: string;
    promptVersion: string;
    versionInferred: boolean;
    model: string;
    provider: string;
    operation: string;
    isGeneration: boolean;
    inputTokens: number | null;
    outputTokens: number | null;
    cachedInputTokens: number | null;
    costUsd: number | null;
    quality: number | null;
    isError: boolean;
  };
}

export interface Trace {
  traceId: string;
  spans: TraceSpan[];
  truncated: boolean;
}
