import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { DCLinter } from 'dclint';
import { stringify } from 'yaml';
import { readRepoFile, repoPath } from '../repo-files';
import { interpolate, parseDotenv } from './compose-interpolation';
import { readComposeFile, serviceEnvironment, servicePorts, serviceVolumes, type ComposeFile, type ComposeService } from './compose-model';
import { composeStackProblems } from './compose-stack';
import { enginesAcceptNode, STACK_APPS } from './stack-apps';

const COMPOSE_PATH = 'docker/compose.yml';
const compose = readComposeFile(COMPOSE_PATH);
const envExample = parseDotenv(readRepoFile('docker/.env.example'));
const REQUIRED = ['GRAFANA_ADMIN_PASSWORD', 'METRICS_TOKEN', 'POSTGRES_PASSWORD'];
const secret = (): string => randomBytes(24).toString('hex');
/** docker/.env as an operator fills it from the example: the required secrets set, everything else as shipped. */
const filledEnv = { ...envExample, POSTGRES_PASSWORD: secret(), METRICS_TOKEN: secret(), GRAFANA_ADMIN_PASSWORD: secret(), ALERTMANAGER_WEBHOOK_URL: 'http://receiver.example:9000/alerts' };
const engines = (JSON.parse(readRepoFile('package.json')) as { engines: { node: string } }).engines.node;
const acceptsNodeVersion = (version: string): boolean => enginesAcceptNode(engines, version);
const problemsOf = (file: ComposeFile, env: Record<string, string> = filledEnv): string[] => composeStackProblems(file, { composePath: COMPOSE_PATH, apps: STACK_APPS, env, acceptsNodeVersion });

/** A copy of the real compose file with one thing broken. */
const mutated = (change: (copy: ComposeFile) => void): ComposeFile => {
  const copy = structuredClone(compose);
  change(copy);
  return copy;
};
const service = (file: ComposeFile, name: string): ComposeService => file.services[name];
const envMap = (file: ComposeFile, name: string): Record<string, unknown> => service(file, name).environment as Record<string, unknown>;
const volumesOf = (file: ComposeFile, name: string): NonNullable<ComposeService['volumes']> => (service(file, name).volumes ??= []);
const setProbe = (file: ComposeFile, name: string, test: string[]): void => {
  service(file, name).healthcheck = { ...service(file, name).healthcheck, test };
};

describe('docker/compose.yml', () => {
  it('has every service of the stack, each checked statically without a problem', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'gateway', 'grafana', 'inference', 'postgres', 'prometheus', 'redis', 'worker']);
    expect(problemsOf(compose)).toEqual([]);
  });

  it('also holds with only the required secrets set: every other value is a compose default the apps accept', () => {
    const onlyRequired = { POSTGRES_PASSWORD: secret(), METRICS_TOKEN: secret(), GRAFANA_ADMIN_PASSWORD: secret(), ALERTMANAGER_WEBHOOK_URL: 'http://receiver.example/' };
    expect(problemsOf(compose, onlyRequired)).toEqual([]);
  });

  it('refuses to start without the passwords and the metrics token (never admin/admin)', () => {
    const { missing, value } = interpolate(compose, envExample);
    expect([...new Set(missing.map(({ variable }) => variable))].sort()).toEqual(REQUIRED);
    expect(serviceEnvironment(value.services['grafana'])['GF_SECURITY_ADMIN_PASSWORD']).toBe('');
    const filled = interpolate(compose, filledEnv).value;
    expect(serviceEnvironment(filled.services['grafana'])['GF_SECURITY_ADMIN_PASSWORD']).toBe(filledEnv.GRAFANA_ADMIN_PASSWORD);
  });

  it('docker/.env.example documents exactly the variables the file uses', () => {
    const referenced = [...interpolate(compose, {}).referenced];
    const secretVariables = Object.values(compose.secrets ?? {}).flatMap((entry) => (entry?.environment ? [entry.environment] : []));
    expect(Object.keys(envExample).sort()).toEqual([...new Set([...referenced, ...secretVariables])].sort());
  });

  it('runs Redis without eviction and with AOF on a volume, Postgres with a pg_isready check', () => {
    const redis = service(compose, 'redis');
    expect(redis.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction', '--appendonly', 'yes']));
    expect(serviceVolumes(redis)).toContainEqual({ kind: 'volume', source: 'redis-data', target: '/data' });
    expect(String(service(compose, 'postgres').healthcheck?.test)).toContain('pg_isready');
  });

  it('keeps inference scalable: no container name, no host port, found by Prometheus through DNS', () => {
    const inference = service(compose, 'inference');
    expect(inference.container_name).toBeUndefined();
    expect(servicePorts(inference)).toEqual([]);
    const prometheus = readRepoFile('docker/prometheus/prometheus.yml');
    expect(prometheus).toMatch(/names: \[inference\]/);
  });

  it('passes dclint (Compose spec schema, pinned image tags, bound port interfaces, no duplicate ports or names)', () => {
    const interpolatedPath = repoPath('tmp/ops-compose-interpolated.yml');
    mkdirSync(repoPath('tmp'), { recursive: true });
    writeFileSync(interpolatedPath, stringify(interpolate(compose, filledEnv).value));
    try {
      const style = ['service-keys-order', 'services-alphabetical-order', 'top-level-properties-order', 'service-dependencies-alphabetical-order', 'service-ports-alphabetical-order', 'require-quotes-in-ports', 'no-quotes-in-volumes'];
      const linter = new DCLinter({ rules: Object.fromEntries(style.map((rule) => [rule, 0])), quiet: true, debug: false, exclude: [] });
      const [result] = linter.lintFiles([interpolatedPath], false);
      expect(result.messages.filter((message) => message.type === 'error')).toEqual([]);
    } finally {
      rmSync(interpolatedPath, { force: true });
    }
  });
});

describe('the compose checker fails on a broken reference', () => {
  it.each<[string, (copy: ComposeFile) => void, string | RegExp]>([
    ['a variable the app does not read', (copy) => (envMap(copy, 'inference')['MODEL_IDD'] = 'sentiment-lite'), 'inference: environment MODEL_IDD is not read by inference (apps/inference/src/config)'],
    ['a value the app refuses', (copy) => (envMap(copy, 'inference')['MODEL_DTYPE'] = 'int4'), /inference: inference would refuse to boot with this environment: .*MODEL_DTYPE/],
    ['a short metrics token', (copy) => (envMap(copy, 'gateway')['METRICS_TOKEN'] = 'short'), /gateway: gateway would refuse to boot .*METRICS_TOKEN/],
    ['a missing Dockerfile', (copy) => ((service(copy, 'worker').build as { dockerfile: string }).dockerfile = 'docker/worker.Dockerfile'), 'worker: Dockerfile docker/worker.Dockerfile does not exist'],
    ['a build argument the Dockerfile does not declare', (copy) => ((service(copy, 'inference').build as { args: Record<string, string> }).args['MODEL_PUL'] = 'x'), 'inference: build argument MODEL_PUL is not an ARG of docker/inference.Dockerfile'],
    ['a missing build context', (copy) => ((service(copy, 'gateway').build as { context: string }).context = '../no-such-folder'), 'gateway: build context ../no-such-folder does not exist'],
    ['a missing bind mount source', (copy) => (volumesOf(copy, 'alertmanager')[0] = './alertmanager/missing.yml:/etc/alertmanager/alertmanager.yml:ro'), 'alertmanager: bind mount source ./alertmanager/missing.yml does not exist'],
    ['a missing env_file', (copy) => (service(copy, 'gateway').env_file = ['gateway.env']), 'gateway: env_file gateway.env does not exist'],
    ['an undeclared named volume', (copy) => volumesOf(copy, 'worker').push('scratch:/scratch'), 'worker: volume scratch is not declared under volumes:'],
    ['depends_on a service that does not exist', (copy) => ((service(copy, 'worker').depends_on as Record<string, object>)['mlflow'] = { condition: 'service_started' }), 'worker: depends_on mlflow, which is not a service'],
    ['an unknown depends_on condition', (copy) => ((service(copy, 'worker').depends_on as Record<string, object>)['redis'] = { condition: 'service_ready' }), 'worker: depends_on redis with unknown condition service_ready'],
    ['waiting for health of a service without a health check', (copy) => delete service(copy, 'redis').healthcheck, 'gateway: waits for redis to be healthy, but it has no health check'],
    [
      'a health check on the wrong port',
      (copy) => {
        delete envMap(copy, 'gateway')['PORT'];
        setProbe(copy, 'gateway', ['CMD', 'node', 'healthcheck.js', 'PORT', '9999', '/ready']);
      },
      'gateway: health check probes port 9999, gateway listens on 8080',
    ],
    ['a health check reading another app\'s port variable', (copy) => (setProbe(copy, 'gateway', ['CMD', 'node', 'healthcheck.js', 'WORKER_HTTP_PORT', '8080', '/ready'])), 'gateway: health check reads WORKER_HTTP_PORT, which gateway does not read'],
    ['a health check on a route the app lacks', (copy) => (setProbe(copy, 'worker', ['CMD', 'node', 'healthcheck.js', 'WORKER_HTTP_PORT', '8082', '/healthz'])), 'worker: health check path /healthz is not a GET route of evaluation-worker'],
    ['a health check with curl', (copy) => (setProbe(copy, 'inference', ['CMD', 'curl', '-f', 'http://127.0.0.1:8081/health/ready'])), /inference: health check must be \["CMD", "node", "healthcheck.js"/],
    ['an app moved to another port, its probe and scrape target not', (copy) => (envMap(copy, 'inference')['INFERENCE_HTTP_PORT'] = '9100'), 'prometheus: job inference scrapes inference:8081, inference listens on 9100'],
    ['a published port the app does not listen on', (copy) => (service(copy, 'gateway').ports = ['127.0.0.1:8080:3000']), 'gateway: publishes container port 3000, gateway listens on 8080'],
    ['a fixed container name on the scaled service', (copy) => (service(copy, 'inference').container_name = 'inference'), 'inference: runs 2 replicas, so it must have no container_name and no fixed host port'],
    ['a stop grace period shorter than the app drains', (copy) => (service(copy, 'worker').stop_grace_period = '20s'), /worker: stop_grace_period 20s does not exceed SHUTDOWN_GRACE_MS 30000/],
    ['an unpinned image', (copy) => (service(copy, 'redis').image = 'redis:7-alpine'), 'redis: image redis:7-alpine is not pinned to a release or digest'],
    ['a key the Compose specification does not have', (copy) => ((service(copy, 'redis') as Record<string, unknown>)['restart_policy'] = 'always'), 'schema: /services/redis must NOT have additional properties (restart_policy)'],
    ['a secret that is not declared', (copy) => delete copy.secrets?.['metrics_token'], 'prometheus: secret metrics_token is not declared under secrets:'],
    ['a scrape token that is not the gateway token', (copy) => (envMap(copy, 'gateway')['METRICS_TOKEN'] = 'x'.repeat(40)), 'prometheus: job gateway sends METRICS_TOKEN, gateway\'s METRICS_TOKEN is a different value'],
    ['Prometheus without the token file', (copy) => (service(copy, 'prometheus').secrets = []), 'prometheus: job gateway reads /run/secrets/metrics_token, which no secret or mount provides'],
    ['Alertmanager without its webhook URL file', (copy) => delete service(copy, 'alertmanager').secrets, 'alertmanager: the config reads /run/secrets/alertmanager_webhook_url, which no secret or mount provides'],
    ['Grafana without the Postgres password its datasource reads', (copy) => delete envMap(copy, 'grafana')['POSTGRES_PASSWORD'], 'grafana: docker/grafana/provisioning/datasources/datasources.yml uses $POSTGRES_PASSWORD, which is not in its environment'],
    [
      'Grafana dashboards mounted where the provider does not look',
      (copy) => (service(copy, 'grafana').volumes = volumesOf(copy, 'grafana').map((volume) => String(volume).replace(':/var/lib/grafana/dashboards', ':/dashboards'))),
      'grafana: docker/grafana/provisioning/dashboards/dashboards.yml loads dashboards from /var/lib/grafana/dashboards, where no dashboard JSON is mounted',
    ],
    ['a Prometheus rule folder that is not mounted', (copy) => (service(copy, 'prometheus').volumes = volumesOf(copy, 'prometheus').filter((volume) => !String(volume).includes('/rules'))), 'prometheus: rule_files rules/*.yml matches no mounted file'],
    ['a required variable made optional', (copy) => (envMap(copy, 'grafana')['GF_SECURITY_ADMIN_PASSWORD'] = '${GRAFANA_PASSWORD}'), 'variable GRAFANA_PASSWORD is used without a default and is not set'],
  ])('%s', (_name, change, expected) => {
    const problems = problemsOf(mutated(change));
    if (typeof expected === 'string') expect(problems).toContain(expected);
    else expect(problems).toContainEqual(expect.stringMatching(expected));
  });
});
