import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../../server/config.js';

/**
 * Docker is not available on these machines, so the compose file and the Dockerfile are checked for what would
 * make `docker compose up` fail or misbehave: missing services, unpinned images, health checks and start order,
 * ports that do not line up, and environment variables Tracelane does not know.
 */
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const root = new URL('../../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as Compose;
const services = compose.services;
const tracelaneServices = Object.entries(services).filter(([, s]) => s.image === 'tracelane:local');
const collectors = ['collector-1', 'collector-2'];

/** What compose substitutes when the variable is unset: `${NAME:-default}` → default, `$$` → `$`. */
const interpolate = (value: string | number) =>
  String(value)
    .replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_m, fallback?: string) => fallback ?? '')
    .replace(/\$\$/g, '$');
const envOf = (name: string) =>
  Object.fromEntries(Object.entries(services[name]?.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
const flag = (name: string, key: string) =>
  services[name]?.command?.find((a) => a.startsWith(`--${key}=`))?.slice(key.length + 3);
const publishedPorts = (name: string) =>
  (services[name]?.ports ?? []).map((p) => p.split(':').map(Number) as [number, number]);

describe('docker-compose.yml', () => {
  it('has ClickHouse, the server, two collectors and the demo as an optional profile', () => {
    expect(Object.keys(services).sort()).toEqual(['clickhouse', 'collector-1', 'collector-2', 'demo', 'server']);
    expect(tracelaneServices.map(([name]) => name).sort()).toEqual(['collector-1', 'collector-2', 'demo', 'server']);
    expect(services.demo?.profiles).toEqual(['demo']);
    for (const name of ['clickhouse', 'server', ...collectors]) expect(services[name]?.profiles, name).toBeUndefined();
    for (const [name, service] of tracelaneServices) expect(service.build, name).toBe('.');
  });

  it('pins the official ClickHouse image and keeps its data in a named volume', () => {
    expect(services.clickhouse?.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+\.\d+\.\d+$/);
    const [volume, target] = (services.clickhouse?.volumes?.[0] ?? '').split(':');
    expect(target).toBe('/var/lib/clickhouse');
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it('gives every long-running service a health check and starts each after what it needs is healthy', () => {
    for (const name of ['clickhouse', 'server', ...collectors]) {
      expect(services[name]?.healthcheck?.test?.[0], name).toMatch(/^CMD/);
    }
    for (const name of ['server', ...collectors]) {
      expect(services[name]?.depends_on, name).toEqual({ clickhouse: { condition: 'service_healthy' } });
    }
    expect(services.demo?.depends_on).toEqual({
      server: { condition: 'service_healthy' },
      'collector-1': { condition: 'service_healthy' },
      'collector-2': { condition: 'service_healthy' },
    });
    const dependencies = Object.values(services).flatMap((s) => Object.keys(s.depends_on ?? {}));
    for (const dependency of dependencies) expect(services[dependency]?.healthcheck?.test).toBeDefined();
  });

  it('sets only variables that server/config.ts knows, with values it accepts', () => {
    const known = Object.keys(configSchema.shape);
    for (const [name, service] of tracelaneServices) {
      for (const key of Object.keys(service.environment ?? {})) expect(known, `${name}: ${key}`).toContain(key);
      expect(() => loadConfig(envOf(name)), name).not.toThrow();
    }
  });

  it('points every Tracelane process at the ClickHouse service with the credentials it creates', () => {
    const clickhouse = envOf('clickhouse');
    for (const name of ['server', ...collectors]) {
      const config = loadConfig(envOf(name));
      expect(new URL(config.CLICKHOUSE_URL).hostname, name).toBe('clickhouse');
      expect(config.CLICKHOUSE_USER).toBe(clickhouse.CLICKHOUSE_USER);
      expect(config.CLICKHOUSE_PASSWORD).toBe(clickhouse.CLICKHOUSE_PASSWORD);
      expect(config.CLICKHOUSE_DATABASE).toBe(clickhouse.CLICKHOUSE_DB);
    }
  });

  it('listens on all interfaces with keys (without keys Tracelane stays on loopback, unreachable in a container)', () => {
    const server = loadConfig(envOf('server'));
    expect(server.HOST).toBe('0.0.0.0');
    expect(server.API_KEYS.length).toBeGreaterThan(0);
    for (const name of ['server', ...collectors]) {
      expect(loadConfig(envOf(name)).INGEST_KEYS.length, name).toBeGreaterThan(0);
      expect(loadConfig(envOf(name)).HOST, name).toBe('0.0.0.0');
    }
  });

  it('publishes the ports the processes listen on and probes them, with no host port used twice', () => {
    const server = loadConfig(envOf('server'));
    expect(publishedPorts('server')).toEqual([[8080, server.PORT]]);
    expect(services.server?.healthcheck?.test?.join(' ')).toContain(`127.0.0.1:${server.PORT}/api/v1/health`);
    for (const name of collectors) {
      const config = loadConfig(envOf(name));
      expect(publishedPorts(name)[0]?.[1], name).toBe(config.OTLP_PORT);
      expect(services[name]?.healthcheck?.test?.join(' '), name).toContain(`127.0.0.1:${config.OTLP_PORT}/metrics`);
    }
    const hostPorts = Object.keys(services).flatMap((name) => publishedPorts(name).map(([host]) => host));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('runs the entry points that exist, and the demo reaches the server and both collectors with valid keys', () => {
    for (const name of collectors) expect(services[name]?.command?.slice(-1)).toEqual(['collector/main.ts']);
    expect(services.demo?.command?.[3]).toBe('demo/main.ts');
    for (const file of ['collector/main.ts', 'demo/main.ts', 'server/main.ts']) {
      expect(existsSync(new URL(file, root)), file).toBe(true);
    }
    const server = loadConfig(envOf('server'));
    expect(flag('demo', 'api-url')).toBe(`http://server:${server.PORT}`);
    expect((flag('demo', 'otlp-url') ?? '').split(',')).toEqual(
      collectors.map((name) => `http://${name}:${loadConfig(envOf(name)).OTLP_PORT}`),
    );
    const demoKey = interpolate(flag('demo', 'api-key') ?? '');
    expect(server.API_KEYS.map((k) => k.split(':'))).toContainEqual(['demo', 'admin', demoKey]);
    for (const name of collectors) {
      expect(loadConfig(envOf(name)).INGEST_KEYS).toContain(interpolate(flag('demo', 'ingest-key') ?? ''));
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
  const ignored = readFileSync(new URL('.dockerignore', root), 'utf8').split('\n');

  it('builds in stages on node:20-slim and runs the server as an unprivileged user', () => {
    const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => [m[1], m[2]]);
    expect(stages).toEqual([
      ['node:20-slim', 'build'],
      ['node:20-slim', 'prod-deps'],
      ['node:20-slim', 'runtime'],
    ]);
    expect(dockerfile).toContain('npm run build:web');
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toContain('COPY --from=build /app/web/dist ./web/dist');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "server\/main.ts"\]$/m);
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: object }).scripts;
    expect(Object.keys(scripts)).toContain('build:web');
  });

  it('keeps dependencies, data folders and the repository out of the build context', () => {
    for (const entry of ['node_modules', 'data', '.demo-data', '.git', 'web/dist']) expect(ignored).toContain(entry);
  });
});
