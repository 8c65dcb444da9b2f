import { apiClient } from './api-client.js';
import { backfill } from './backfill.js';
import { DemoClock, leadFor } from './clock.js';
import { setUpEvaluation } from './evaluation.js';
import { startModelEndpoint } from './model-endpoint.js';
import { Tracelane, type ProductEvent, type PromptVersion } from '../clients/typescript/src/index.js';
import {
  ENVIRONMENTS,
  PROMPT,
  STORY_MS,
  StoryRunner,
  TRAFFIC,
  setUpRegistry,
  storySteps,
  type DemoEnvironment,
} from './story.js';
import { arrivals, nextTicket, seededRandom } from './tickets.js';
import { TriageService } from './triage-app.js';

export interface DemoOptions {
  apiUrl: string;
  /** Collector base URLs; the environments' services are spread over them. */
  otlpUrls: readonly string[];
  apiKey?: string;
  ingestKey?: string;
  /** How much faster than real time the story's minutes are replayed (1: in real time). */
  speed: number;
  /** false: version 2 is a harmless change (a calm demo). */
  regression: boolean;
  /** Hours of history replayed before the story on the first start. */
  historyHours: number;
  seed: number;
  say: (line: string) => void;
}

export interface RunningDemo {
  clock: DemoClock;
  services: Record<DemoEnvironment, TriageService>;
  /** True when this start created the prompt, the history and the story (false: existing demo data). */
  firstRun: boolean;
  story: StoryRunner;
  close(): Promise<void>;
}

const HOUR = 3_600_000;
const TICK_MS = 100;

/**
 * Runs the demo against a Tracelane at `apiUrl`: registry set-up and history on the first start, then live
 * traffic from both environments' triage services while the story's deployments play on the demo clock.
 */
export async function runDemo(options: DemoOptions): Promise<RunningDemo> {
  const { say } = options;
  const api = apiClient(options.apiUrl, options.apiKey);
  const random = seededRandom(options.seed);
  const lead = leadFor(STORY_MS, options.speed);
  const firstRun = await setUpRegistry(api, options.regression, Date.now() - lead - options.historyHours * HOUR, say);
  // the simulated model's OpenAI-compatible endpoint: experiments (and the release gate) call it through a connection
  const model = await startModelEndpoint();
  if (firstRun) await setUpEvaluation(api, model.url, say);
  // after the set-up (the experiment takes a few seconds), so that the history ends where the story starts
  const historyEnd = Date.now() - lead;
  const history = { from: historyEnd - options.historyHours * HOUR, to: historyEnd };
  if (!firstRun) say(`[demo] existing demo data found: live traffic only (remove the data folder for the full story)`);

  const services = {} as Record<DemoEnvironment, TriageService>;
  for (const [i, environment] of ENVIRONMENTS.entries()) {
    services[environment] = await TriageService.start({
      apiUrl: options.apiUrl,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      otlpUrl: options.otlpUrls[i % options.otlpUrls.length] as string,
      ...(options.ingestKey ? { ingestKey: options.ingestKey } : {}),
      prompt: PROMPT,
      environment,
      random,
      onVersionChange: (env, version) => say(`[app] ${env} serves ${PROMPT} version ${version}`),
    });
  }

  // The last hour first (the baselines the story's deployments are judged against), then older hours newest
  // first, in the background while the story plays, so the 24-hour charts fill within the first minute.
  let closing = false;
  let older: Promise<void> = Promise.resolve();
  if (firstRun && options.historyHours > 0) {
    const v1 = await api.get<PromptVersion>(`/api/v1/prompts/${PROMPT}/versions/1`);
    // Both environments at once: their exports share the collector's group commits.
    const replay = async (window: { from: number; to: number }, rnd: () => number) => {
      const counts = await Promise.all(
        ENVIRONMENTS.map((env) => backfill(services[env], v1, window, TRAFFIC[env], rnd, () => closing)),
      );
      return counts.reduce((a, b) => a + b, 0);
    };
    const recent = { from: Math.max(history.from, history.to - HOUR), to: history.to };
    say(`[demo] ${await replay(recent, random)} tickets of the last hour sent over OTLP`);
    const olderRandom = seededRandom(options.seed + 1);
    older = (async () => {
      let n = 0;
      for (let to = recent.from; to > history.from && !closing; to -= HOUR) {
        n += await replay({ from: Math.max(history.from, to - HOUR), to }, olderRandom);
      }
      if (n > 0 && !closing) say(`[demo] history complete: ${options.historyHours} hours (${n} more tickets)`);
    })().catch((err: unknown) => say(`[demo] backfill stopped: ${String(err)}`));
  }

  const clock = firstRun ? new DemoClock(options.speed, lead) : new DemoClock(1, 0);
  const story = new StoryRunner(api, firstRun ? storySteps(options.regression) : [], clock.virtualStart, say);
  const streams = ENVIRONMENTS.map((environment) => {
    const arrival = arrivals(TRAFFIC[environment], random);
    return { service: services[environment], arrival, next: arrival.next(clock.now()) };
  });
  let wasLive = clock.live();
  const timer = setInterval(() => {
    story.advance(clock.now());
    const now = Math.min(clock.now(), story.holdAt() ?? Infinity);
    for (const stream of streams) {
      for (; stream.next <= now; stream.next = stream.arrival.next(stream.next)) {
        stream.service.triage(nextTicket(random), stream.next).catch((err: unknown) => say(`[app] ${String(err)}`));
      }
    }
    if (!wasLive && clock.live())
      say('[demo] caught up with real time: live traffic continues at a few tickets per second');
    wasLive = clock.live();
  }, TICK_MS);

  const narrator = new Tracelane({ url: options.apiUrl, ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
  narrator.subscribe(['regression.detected'], (event) => say(describeRegression(event)));

  return {
    clock,
    services,
    firstRun,
    story,
    close: async () => {
      closing = true;
      clearInterval(timer);
      await narrator.close();
      await older;
      await story.settled();
      await Promise.all(ENVIRONMENTS.map((environment) => services[environment].close()));
      await model.close();
    },
  };
}

function describeRegression(event: ProductEvent): string {
  const d = event.data as { environment?: string; version?: number; verdict?: string; reason?: string };
  return `[tracelane] ${String(d.verdict).toUpperCase()}: version ${d.version} in ${d.environment} — ${d.reason ?? ''}`;
}
