import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, promptWithVersions, type Client } from '../registry/registry-client.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { tracelane as runInProcess, tracelaneProcess, type Run } from './run-cli.js';

const KEYS = { admin: 'admin-secret-cli', ci: 'deployer-secret-cli', dash: 'viewer-secret-cli' };

let t: TestTracelane;
let admin: Client;
beforeAll(async () => {
  t = await startTestTracelane({
    API_KEYS: `ops:admin:${KEYS.admin},ci-pipeline:deployer:${KEYS.ci},dash:viewer:${KEYS.dash}`,
  });
  admin = client(t.apiUrl, KEYS.admin);
});
afterAll(() => t.close());

/** Runs `tracelane <args>` with the pipeline's settings (in process; `inProcess: false` spawns the binary). */
function tracelane(args: string[], env: Record<string, string> = {}, inProcess = true): Promise<Run> {
  const settings = { TRACELANE_URL: t.apiUrl, TRACELANE_API_KEY: KEYS.ci, ...env };
  return inProcess ? runInProcess(args, settings) : tracelaneProcess(args, settings);
}

const json = <T>(run: Run) => JSON.parse(run.stdout) as T;
interface Deployment {
  id: string;
  kind: string;
  version: number;
  previousVersion: number | null;
  actor: string;
  time: string;
  externalActor: string | null;
}

describe.concurrent('tracelane CLI: usage errors exit 1 without calling the server', () => {
  it.each([
    [[], 'commands:'],
    [['ship', 'p', 'production', '1'], 'unknown command "ship"'],
    [['deploy', 'p', 'production'], 'deploy takes 3 arguments, got 2'],
    [['deploy', 'p', 'production', 'v2'], 'version must be a version number'],
    [['deploy', 'p', 'production', '2', '--canary', 'ten'], '--canary must be a percentage'],
    [['deploy', 'p', 'production', '2', '--force'], "Unknown option '--force'"],
    [['rollback', 'p', 'production', '--to', '0'], '--to must be a version number'],
    [['mark', 'p', 'production', '2', '--timestamp', 'yesterday'], '--timestamp must be ISO-8601'],
    [['reject', 'req-1'], 'reject needs --reason'],
    [['reject', 'req-1', '--reason', '  '], 'reject needs --reason'],
    [['approve'], 'approve takes 1 arguments, got 0'],
  ])('%j', async (args, message) => {
    const run = await tracelane(args, { TRACELANE_URL: 'http://127.0.0.1:9' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('rejects a TRACELANE_URL that is not http(s)', async () => {
    const run = await tracelane(['resolve', 'p', 'production'], { TRACELANE_URL: 'localhost:8080' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('TRACELANE_URL must be an http(s) URL');
  });

  it('prints help for --help with exit 0', async () => {
    const run = await tracelane(['rollback', '--help'], {}, false); // the binary: exit code and stdout of a process
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: tracelane rollback <prompt> <environment> [--to <version>]');
  });
});

describe('tracelane CLI against a running server', () => {
  it('deploys, resolves and rolls back, recording the key name as the actor', async () => {
    const prompt = await promptWithVersions(admin, 3, 'cli');
    const first = await tracelane(['deploy', prompt, 'production', '1', '--reason', 'first release'], {}, false);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      new RegExp(`^deployed v1 to ${prompt} in production \\(was nothing\\) \\(deployment \\S+\\)\\n$`),
    );

    const second = await tracelane(['deploy', prompt, 'production', '2', '--reason', 'better answers', '--json']);
    expect(second.code).toBe(0);
    const deployment = json<Deployment>(second);
    expect(deployment).toMatchObject({ kind: 'deploy', version: 2, previousVersion: 1, actor: 'ci-pipeline' });
    expect((await admin.get<Deployment>(`/api/v1/deployments/${deployment.id}`)).body.version).toBe(2);

    const resolved = await tracelane(['resolve', prompt, 'production', '--json']);
    expect(json<{ version: number; deploymentId: string }>(resolved)).toMatchObject({
      version: 2,
      deploymentId: deployment.id,
    });

    const back = await tracelane(['rollback', prompt, 'production', '--reason', 'answers got worse']);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain(`rolled back ${prompt} in production to v1 (was v2)`);
    const to3 = await tracelane(['rollback', prompt, 'production', '--to', '3']);
    expect(to3.code).toBe(2); // version 3 was never live here: a rollback only restores
    expect(to3.stderr).toContain('never been live');
    const to2 = await tracelane(['rollback', prompt, 'production', '--to', '2', '--json']);
    expect(json<Deployment>(to2)).toMatchObject({ kind: 'rollback', version: 2, previousVersion: 1 });
    expect((await tracelane(['resolve', prompt, 'production'])).stdout).toContain(
      `${prompt} in production: v2 (arm stable)`,
    );
  });

  it('starts a canary, resolves a sticky arm by key, and promotes it', async () => {
    const prompt = await promptWithVersions(admin, 2, 'cli');
    await tracelane(['deploy', prompt, 'staging', '1']);
    const canary = await tracelane(['deploy', prompt, 'staging', '2', '--canary', '25', '--json']);
    expect(canary.code).toBe(0);
    const started = json<Deployment>(canary);
    expect(started.kind).toBe('canary_start');

    const arms = await Promise.all(
      ['user-1', 'user-1'].map((key) => tracelane(['resolve', prompt, 'staging', '--key', key, '--json'])),
    );
    const [a, b] = arms.map((r) => json<{ arm: string; canary: { percent: number } }>(r));
    expect(a!.arm).toBe(b!.arm);
    expect(a!.canary.percent).toBe(25);

    const promoted = await tracelane(['promote', started.id, '--reason', 'canary is healthy']);
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toContain(`promoted: ${prompt} in staging now runs v2 for all traffic`);
    const after = json<{ version: number; arm: string; canary: unknown }>(
      await tracelane(['resolve', prompt, 'staging', '--key', 'user-1', '--json']),
    );
    expect(after).toMatchObject({ version: 2, arm: 'stable', canary: null });
  });

  it('marks an external deployment at its own time', async () => {
    const prompt = await promptWithVersions(admin, 1, 'cli');
    const when = new Date(Date.now() - 10 * 60_000).toISOString();
    const run = await tracelane([
      'mark',
      prompt,
      'qa',
      '1',
      '--timestamp',
      when,
      '--actor',
      'github-actions',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(json<Deployment>(run)).toMatchObject({
      kind: 'external',
      version: 1,
      time: when,
      externalActor: 'github-actions',
    });
  });

  it('approves a review request as another key, and rejects one with a reason', async () => {
    const prompt = await promptWithVersions(admin, 2, 'cli');
    const environment = `guarded-${prompt.slice(-8)}`;
    expect((await admin.post('/api/v1/environments', { name: environment, protected: true })).status).toBe(201);
    const asked = await tracelane(['deploy', prompt, environment, '1', '--reason', 'first release', '--json']);
    const request = json<{ id: string; status: string }>(asked);
    expect(request.status).toBe('pending');

    const own = await tracelane(['approve', request.id]);
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('must be reviewed by another key');
    const ops = { TRACELANE_API_KEY: KEYS.admin };
    const approved = await tracelane(['approve', request.id, '--comment', 'looks good'], ops);
    expect(approved).toMatchObject({ code: 0, stderr: '' });
    expect(approved.stdout).toMatch(
      new RegExp(`^approved request ${request.id}: deployed ${prompt} v1 to ${environment}, asked by ci-pipeline`),
    );
    const deployed = await admin.get<{ deployments: Deployment[] }>(
      `/api/v1/deployments?prompt=${encodeURIComponent(prompt)}`,
    );
    expect(deployed.body.deployments[0]).toMatchObject({
      actor: 'ops',
      version: 1,
    });
    expect((await tracelane(['approve', request.id], ops)).stderr).toContain('already approved');

    const second = json<{ id: string }>(await tracelane(['deploy', prompt, environment, '2', '--json']));
    const rejected = await tracelane(['reject', second.id, '--reason', 'wait for the staging verdict', '--json'], ops);
    expect(json<{ status: string; reviewComment: string; reviewedBy: string }>(rejected)).toMatchObject({
      status: 'rejected',
      reviewComment: 'wait for the staging verdict',
      reviewedBy: 'ops',
    });
    expect((await tracelane(['reject', 'no-such-request', '--reason', 'x'], ops)).code).toBe(2);
  });

  it('exits 2 with the API message when the API rejects the request', async () => {
    const prompt = await promptWithVersions(admin, 1, 'cli');
    const missing = await tracelane(['deploy', prompt, 'production', '9'], {}, false); // exit 2 of the process
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^tracelane: .*version.*\(HTTP 404\)\n$/);

    const viewer = await tracelane(['deploy', prompt, 'production', '1'], { TRACELANE_API_KEY: KEYS.dash });
    expect(viewer.code).toBe(2);
    expect(viewer.stderr).toContain('needs the deployer role');

    const anonymous = await tracelane(['resolve', prompt, 'production'], { TRACELANE_API_KEY: '' });
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toContain('(HTTP 401)');

    const badCanary = await tracelane(['deploy', prompt, 'production', '1', '--canary', '150', '--json']);
    expect(badCanary.code).toBe(2);
    expect(json<{ error: { field: string } }>(badCanary).error.field).toBe('canaryPercent');
  });
});

describe.concurrent('tracelane CLI: server and network failures exit 3', () => {
  let broken: Server;
  let brokenUrl: string;
  beforeAll(async () => {
    broken = createServer((req, res) => {
      if (req.url?.includes('not-json')) res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>');
      else res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"store down"}}');
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => broken.close(() => resolve())));

  it('exits 3 on a 5xx answer, with its message', async () => {
    const run = await tracelane(['resolve', 'p', 'production'], { TRACELANE_URL: brokenUrl });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('store down (HTTP 503)');
  });

  it('exits 3 on an answer that is not JSON', async () => {
    const run = await tracelane(['resolve', 'not-json', 'production'], { TRACELANE_URL: brokenUrl });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('not JSON');
  });

  it('exits 3 when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const run = await tracelane(['resolve', 'p', 'production'], { TRACELANE_URL: url });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`cannot reach ${url}: ECONNREFUSED`);
  });
});
