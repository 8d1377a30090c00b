import type { KubeObject } from './kustomize';

/**
 * Cross-reference checks of rendered Kubernetes objects: what a schema cannot see (a Service selecting
 * no pod, a probe on a port that does not exist, an env var the app does not read). Each check returns
 * readable problems instead of throwing, so one test run lists all of them.
 */

/** What the manifests must agree with, per app; built from the app's own code by the spec. */
export interface AppContract {
  /** Deployment (and container) name. */
  name: string;
  /** Every variable the app's env schema reads. */
  envNames: readonly string[];
  /** Validates a full environment like the app at boot; throws naming the bad variables. */
  loadConfig(env: Record<string, string>): { http: { port: number } };
  /** The env schema's parsed values (defaults applied), for settings such as SHUTDOWN_GRACE_MS. */
  parseEnv(env: Record<string, string>): Record<string, unknown>;
  /** HTTP paths the app serves for probes. */
  probePaths: readonly string[];
  metricsPath: string;
  /** The variable holding the HTTP port the container must expose. */
  portVariable: string;
  /** Variables naming folders the app writes: with a read-only root they must sit on a volume. */
  writablePathVariables: readonly string[];
  /** Redis key names the app uses for a REDIS_PREFIX: request streams of its KEDA triggers. */
  scalerStreams?(prefix: string): readonly string[];
}

export interface CheckContext {
  apps: readonly AppContract[];
  /** Secret name → its keys, as documented in deploy/base/secret.example.yaml. */
  secrets: Record<string, Record<string, string>>;
}

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const idOf = (object: KubeObject): string => `${object.kind}/${object.metadata.name}`;
const labelsMatch = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

const ofKind = (objects: readonly KubeObject[], kind: string): KubeObject[] => objects.filter((object) => object.kind === kind);
const podTemplate = (deployment: KubeObject): Json => asRecord(asRecord(deployment['spec'])['template']);
const podLabels = (deployment: KubeObject): Record<string, string> => asRecord(asRecord(podTemplate(deployment)['metadata'])['labels']) as Record<string, string>;
const podSpec = (deployment: KubeObject): Json => asRecord(podTemplate(deployment)['spec']);
const containersOf = (deployment: KubeObject): Json[] => asArray(podSpec(deployment)['containers']);
const containerPorts = (deployment: KubeObject): Json[] => containersOf(deployment).flatMap((container) => asArray(container['ports']));
const portExists = (ports: readonly Json[], port: unknown): boolean =>
  ports.some((candidate) => (typeof port === 'string' ? candidate['name'] === port : candidate['containerPort'] === port));
const selectedDeployments = (objects: readonly KubeObject[], selector: Record<string, string> | undefined): KubeObject[] =>
  ofKind(objects, 'Deployment').filter((deployment) => labelsMatch(selector, podLabels(deployment)));

/** The environment a container gets: ConfigMaps, the example Secret's values, downward-API fields as a placeholder. */
export const containerEnvironment = (objects: readonly KubeObject[], container: Json, context: CheckContext, problems: string[], where: string): Record<string, string> => {
  const env: Record<string, string> = {};
  const configMap = (name: unknown): Record<string, string> | undefined => {
    const found = ofKind(objects, 'ConfigMap').find((object) => object.metadata.name === name);
    return found ? (asRecord(found['data']) as Record<string, string>) : undefined;
  };
  for (const source of asArray(container['envFrom'])) {
    const configMapRef = asRecord(source['configMapRef']);
    const secretRef = asRecord(source['secretRef']);
    if (source['configMapRef']) {
      const data = configMap(configMapRef['name']);
      if (!data) problems.push(`${where}: envFrom ConfigMap ${String(configMapRef['name'])} does not exist`);
      Object.assign(env, data);
    }
    if (source['secretRef']) {
      const secret = context.secrets[String(secretRef['name'])];
      if (!secret) problems.push(`${where}: envFrom Secret ${String(secretRef['name'])} is not in secret.example.yaml`);
      Object.assign(env, secret);
    }
  }
  for (const variable of asArray(container['env'])) {
    const name = String(variable['name']);
    const valueFrom = asRecord(variable['valueFrom']);
    if (typeof variable['value'] === 'string') env[name] = variable['value'];
    else if (valueFrom['secretKeyRef']) {
      const { name: secretName, key } = asRecord(valueFrom['secretKeyRef']);
      const value = context.secrets[String(secretName)]?.[String(key)];
      if (value === undefined) problems.push(`${where}: env ${name} reads Secret ${String(secretName)} key ${String(key)}, not in secret.example.yaml`);
      else env[name] = value;
    } else if (valueFrom['configMapKeyRef']) {
      const { name: mapName, key } = asRecord(valueFrom['configMapKeyRef']);
      const value = configMap(mapName)?.[String(key)];
      if (value === undefined) problems.push(`${where}: env ${name} reads ConfigMap ${String(mapName)} key ${String(key)}, which does not exist`);
      else env[name] = value;
    } else if (valueFrom['fieldRef']) env[name] = 'pod-name-0';
    else problems.push(`${where}: env ${name} has neither a value nor a supported valueFrom`);
  }
  return env;
};

const checkProbesAndSecurity = (deployment: KubeObject, container: Json, app: AppContract, problems: string[]): void => {
  const where = `${idOf(deployment)} container ${String(container['name'])}`;
  const ports = asArray(container['ports']);
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    const httpGet = asRecord(asRecord(container[probe])['httpGet']);
    if (!container[probe]) problems.push(`${where}: no ${probe}`);
    else if (!portExists(ports, httpGet['port'])) problems.push(`${where}: ${probe} port ${String(httpGet['port'])} is not a container port`);
    else if (!app.probePaths.includes(String(httpGet['path']))) problems.push(`${where}: ${probe} path ${String(httpGet['path'])} is not served (${app.probePaths.join(', ')})`);
  }
  const resources = asRecord(container['resources']);
  const requests = asRecord(resources['requests']);
  if (!requests['cpu'] || !requests['memory'] || !asRecord(resources['limits'])['memory']) problems.push(`${where}: needs cpu and memory requests and a memory limit`);
  const security = asRecord(container['securityContext']);
  if (security['allowPrivilegeEscalation'] !== false || security['readOnlyRootFilesystem'] !== true || !asArray(asRecord(security['capabilities'])['drop']).includes('ALL' as never)) {
    problems.push(`${where}: securityContext must forbid privilege escalation, drop ALL capabilities and mount the root read-only`);
  }
  if (asRecord(podSpec(deployment)['securityContext'])['runAsNonRoot'] !== true) problems.push(`${idOf(deployment)}: pod securityContext must set runAsNonRoot`);
  const volumes = new Set(asArray(podSpec(deployment)['volumes']).map((volume) => volume['name']));
  for (const mount of asArray(container['volumeMounts'])) if (!volumes.has(mount['name'])) problems.push(`${where}: volumeMount ${String(mount['name'])} has no volume`);
};

const checkEnvironment = (objects: readonly KubeObject[], deployment: KubeObject, container: Json, app: AppContract, context: CheckContext, problems: string[]): Record<string, string> => {
  const where = `${idOf(deployment)} container ${String(container['name'])}`;
  const env = containerEnvironment(objects, container, context, problems, where);
  for (const name of Object.keys(env)) if (!app.envNames.includes(name)) problems.push(`${where}: ${name} is not a variable of ${app.name}'s env schema`);
  try {
    app.loadConfig(env);
  } catch (error) {
    problems.push(`${where}: its environment does not pass ${app.name}'s config: ${(error as Error).message}`);
  }
  const port = Number(env[app.portVariable]);
  if (!asArray(container['ports']).some((candidate) => candidate['containerPort'] === port)) problems.push(`${where}: ${app.portVariable}=${env[app.portVariable]} is not a container port`);
  const grace = Number(env['SHUTDOWN_GRACE_MS']);
  const terminationGrace = Number(podSpec(deployment)['terminationGracePeriodSeconds'] ?? 30) * 1000;
  if (Number.isFinite(grace) && grace >= terminationGrace) problems.push(`${idOf(deployment)}: terminationGracePeriodSeconds must exceed SHUTDOWN_GRACE_MS (${grace} ms)`);
  const mounts = asArray(container['volumeMounts']).map((mount) => String(mount['mountPath']));
  for (const variable of app.writablePathVariables) {
    const path = env[variable];
    if (path === undefined || !path.startsWith('/')) problems.push(`${where}: ${variable} must be an absolute path on a volume (read-only root), got ${String(path)}`);
    else if (!mounts.some((mount) => path === mount || path.startsWith(`${mount}/`))) problems.push(`${where}: ${variable}=${path} is on the read-only root, not on a volume`);
  }
  return env;
};

/** host and port of a redis:// or postgres:// URL. */
const hostPort = (url: string | undefined, defaultPort: number): { host: string; port: number } | undefined => {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : defaultPort };
  } catch {
    return undefined;
  }
};

const servicePort = (objects: readonly KubeObject[], host: string): number | undefined => {
  const service = ofKind(objects, 'Service').find((object) => object.metadata.name === host);
  return service ? Number(asArray(asRecord(service['spec'])['ports'])[0]?.['port']) : undefined;
};

/** NetworkPolicies selecting a pod, and whether they let a port through in one direction. */
const policyAllows = (objects: readonly KubeObject[], deployment: KubeObject, direction: 'ingress' | 'egress', port: number | string): boolean =>
  ofKind(objects, 'NetworkPolicy').some((policy) => {
    const spec = asRecord(policy['spec']);
    const selector = asRecord(asRecord(spec['podSelector'])['matchLabels']) as Record<string, string>;
    const selects = Object.keys(selector).length === 0 || labelsMatch(selector, podLabels(deployment));
    return selects && asArray(spec[direction]).some((rule) => asArray(rule['ports']).some((candidate) => candidate['port'] === port));
  });

const checkDependencies = (objects: readonly KubeObject[], deployment: KubeObject, env: Record<string, string>, problems: string[]): void => {
  for (const [variable, defaultPort] of [['REDIS_URL', 6379], ['DATABASE_URL', 5432]] as const) {
    const target = hostPort(env[variable], defaultPort);
    if (!target) continue;
    const port = servicePort(objects, target.host);
    if (port === undefined) problems.push(`${idOf(deployment)}: ${variable} host ${target.host} is not a Service of the manifests`);
    else if (port !== target.port) problems.push(`${idOf(deployment)}: ${variable} port ${target.port} differs from Service ${target.host} port ${port}`);
    else if (!policyAllows(objects, deployment, 'egress', port)) problems.push(`${idOf(deployment)}: no NetworkPolicy allows egress to ${target.host}:${port}`);
  }
};

const checkWorkloads = (objects: readonly KubeObject[], context: CheckContext, problems: string[]): Map<string, Record<string, string>> => {
  const environments = new Map<string, Record<string, string>>();
  for (const app of context.apps) {
    const deployment = ofKind(objects, 'Deployment').find((object) => object.metadata.name === app.name);
    if (!deployment) {
      problems.push(`Deployment/${app.name}: missing`);
      continue;
    }
    const selector = asRecord(asRecord(deployment['spec'])['selector'])['matchLabels'] as Record<string, string> | undefined;
    if (!labelsMatch(selector, podLabels(deployment))) problems.push(`${idOf(deployment)}: selector does not match its pod labels`);
    const container = containersOf(deployment).find((candidate) => candidate['name'] === app.name);
    if (!container) {
      problems.push(`${idOf(deployment)}: no container named ${app.name}`);
      continue;
    }
    checkProbesAndSecurity(deployment, container, app, problems);
    const env = checkEnvironment(objects, deployment, container, app, context, problems);
    checkDependencies(objects, deployment, env, problems);
    environments.set(app.name, env);
  }
  return environments;
};

const checkServices = (objects: readonly KubeObject[], context: CheckContext, problems: string[]): void => {
  for (const service of ofKind(objects, 'Service')) {
    const spec = asRecord(service['spec']);
    if (spec['type'] === 'ExternalName') continue;
    const targets = selectedDeployments(objects, spec['selector'] as Record<string, string> | undefined);
    if (targets.length === 0) problems.push(`${idOf(service)}: selector matches no Deployment's pods`);
    for (const port of asArray(spec['ports'])) {
      const targetPort = port['targetPort'] ?? port['port'];
      if (targets.some((deployment) => !portExists(containerPorts(deployment), targetPort))) problems.push(`${idOf(service)}: targetPort ${String(targetPort)} is not a container port`);
    }
  }
  for (const monitor of ofKind(objects, 'ServiceMonitor')) {
    const spec = asRecord(monitor['spec']);
    const selector = asRecord(spec['selector'])['matchLabels'] as Record<string, string> | undefined;
    const services = ofKind(objects, 'Service').filter((service) => labelsMatch(selector, service.metadata.labels));
    if (services.length === 0) problems.push(`${idOf(monitor)}: selector matches no Service`);
    for (const endpoint of asArray(spec['endpoints'])) {
      for (const service of services) {
        if (!asArray(asRecord(service['spec'])['ports']).some((port) => port['name'] === endpoint['port'])) problems.push(`${idOf(monitor)}: Service ${service.metadata.name} has no port named ${String(endpoint['port'])}`);
        for (const deployment of selectedDeployments(objects, asRecord(service['spec'])['selector'] as Record<string, string>)) {
          const app = context.apps.find((candidate) => candidate.name === deployment.metadata.name);
          if (app && endpoint['path'] !== app.metricsPath) problems.push(`${idOf(monitor)}: path ${String(endpoint['path'])} is not ${app.name}'s metrics path ${app.metricsPath}`);
          const containerPort = asArray(asRecord(service['spec'])['ports']).find((port) => port['name'] === endpoint['port'])?.['targetPort'];
          if (containerPort !== undefined && !policyAllows(objects, deployment, 'ingress', containerPort as string)) problems.push(`${idOf(monitor)}: no NetworkPolicy lets Prometheus reach ${deployment.metadata.name} on ${String(containerPort)}`);
        }
      }
      const credentials = asRecord(asRecord(endpoint['authorization'])['credentials']);
      if (endpoint['authorization'] && context.secrets[String(credentials['name'])]?.[String(credentials['key'])] === undefined) {
        problems.push(`${idOf(monitor)}: bearer token Secret ${String(credentials['name'])} key ${String(credentials['key'])} is not in secret.example.yaml`);
      }
    }
  }
};

const scaleTarget = (objects: readonly KubeObject[], owner: KubeObject, ref: Json, problems: string[]): KubeObject | undefined => {
  const target = ofKind(objects, 'Deployment').find((deployment) => deployment.metadata.name === ref['name']);
  if ((ref['kind'] ?? 'Deployment') !== 'Deployment' || !target) problems.push(`${idOf(owner)}: scale target ${String(ref['kind'] ?? 'Deployment')}/${String(ref['name'])} does not exist`);
  return target;
};

const checkScaling = (objects: readonly KubeObject[], context: CheckContext, environments: Map<string, Record<string, string>>, problems: string[]): void => {
  const scaled = new Map<string, string>();
  const claim = (owner: KubeObject, target: KubeObject | undefined): void => {
    if (!target) return;
    const earlier = scaled.get(target.metadata.name);
    if (earlier) problems.push(`${idOf(owner)}: ${target.metadata.name} is already scaled by ${earlier}`);
    scaled.set(target.metadata.name, idOf(owner));
    if (asRecord(target['spec'])['replicas'] !== undefined) problems.push(`${idOf(target)}: sets spec.replicas although ${idOf(owner)} owns the count`);
  };
  for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
    const target = scaleTarget(objects, hpa, asRecord(asRecord(hpa['spec'])['scaleTargetRef']), problems);
    claim(hpa, target);
    const usesCpu = asArray(asRecord(hpa['spec'])['metrics']).some((metric) => asRecord(metric['resource'])['name'] === 'cpu');
    const container = target ? containersOf(target)[0] : undefined;
    if (usesCpu && container && !asRecord(asRecord(container['resources'])['requests'])['cpu']) problems.push(`${idOf(hpa)}: CPU utilisation needs a CPU request on ${target?.metadata.name}`);
  }
  for (const scaledObject of ofKind(objects, 'ScaledObject')) {
    const spec = asRecord(scaledObject['spec']);
    const target = scaleTarget(objects, scaledObject, asRecord(spec['scaleTargetRef']), problems);
    claim(scaledObject, target);
    if (!target) continue;
    const env = environments.get(target.metadata.name) ?? {};
    const redis = hostPort(env['REDIS_URL'], 6379);
    const expectedAddress = redis ? `${redis.host}.${scaledObject.metadata.namespace ?? 'default'}.svc.cluster.local:${redis.port}` : '?';
    const app = context.apps.find((candidate) => candidate.name === target.metadata.name);
    const streams = app?.scalerStreams?.(env['REDIS_PREFIX'] ?? '') ?? [];
    for (const trigger of asArray(spec['triggers'])) {
      const metadata = asRecord(trigger['metadata']);
      const where = `${idOf(scaledObject)} trigger ${String(trigger['name'] ?? trigger['type'])}`;
      if (metadata['address'] !== expectedAddress) problems.push(`${where}: address ${String(metadata['address'])} is not the app's Redis (${expectedAddress})`);
      if (trigger['type'] === 'redis-streams') {
        if (!streams.includes(String(metadata['stream']))) problems.push(`${where}: stream ${String(metadata['stream'])} is not one the app reads (${streams.join(', ')})`);
        // KEDA reads exactly one of these targets (pendingEntriesCount first); lag and pending need the group.
        const targets = ['pendingEntriesCount', 'streamLength', 'lagCount'].filter((key) => metadata[key] !== undefined);
        if (targets.length !== 1) problems.push(`${where}: needs exactly one of pendingEntriesCount, streamLength, lagCount (has ${targets.join(', ') || 'none'})`);
        if (!targets.includes('streamLength') && !metadata['consumerGroup']) problems.push(`${where}: ${targets.join('')} needs a consumerGroup`);
      } else if (trigger['type'] === 'redis') {
        if (!metadata['listName'] || !(Number(metadata['listLength']) > 0)) problems.push(`${where}: a redis list trigger needs listName and a positive listLength`);
      } else {
        problems.push(`${where}: trigger type ${String(trigger['type'])} is not one these checks know`);
      }
    }
    const triggeredStreams = new Set(asArray(spec['triggers']).map((trigger) => asRecord(trigger['metadata'])['stream']));
    for (const stream of streams) if (!triggeredStreams.has(stream)) problems.push(`${idOf(scaledObject)}: no trigger on stream ${stream}`);
  }
  for (const budget of ofKind(objects, 'PodDisruptionBudget')) {
    const selector = asRecord(asRecord(budget['spec'])['selector'])['matchLabels'] as Record<string, string> | undefined;
    if (selectedDeployments(objects, selector).length === 0) problems.push(`${idOf(budget)}: selector matches no Deployment's pods`);
  }
};

const checkNetworkPolicies = (objects: readonly KubeObject[], problems: string[]): void => {
  const policies = ofKind(objects, 'NetworkPolicy');
  const denyAll = policies.some((policy) => {
    const spec = asRecord(policy['spec']);
    const types = asArray(spec['policyTypes']) as unknown[];
    return Object.keys(asRecord(spec['podSelector'])).length === 0 && types.includes('Ingress') && types.includes('Egress') && !spec['ingress'] && !spec['egress'];
  });
  if (!denyAll) problems.push('NetworkPolicy: no default-deny policy (empty podSelector, Ingress and Egress, no rules)');
  for (const policy of policies) {
    const spec = asRecord(policy['spec']);
    const selector = asRecord(asRecord(spec['podSelector'])['matchLabels']) as Record<string, string>;
    if (Object.keys(selector).length === 0) continue;
    const targets = selectedDeployments(objects, selector);
    if (targets.length === 0) problems.push(`${idOf(policy)}: podSelector matches no Deployment's pods`);
    for (const rule of asArray(spec['ingress'])) {
      for (const port of asArray(rule['ports'])) {
        if (typeof port['port'] === 'string' && targets.some((deployment) => !portExists(containerPorts(deployment), port['port']))) problems.push(`${idOf(policy)}: ingress port ${port['port']} is not a container port`);
      }
    }
  }
};

/** Every cross-reference problem of one rendered overlay (empty when consistent). */
export const checkManifests = (objects: readonly KubeObject[], context: CheckContext): string[] => {
  const problems: string[] = [];
  const environments = checkWorkloads(objects, context, problems);
  checkServices(objects, context, problems);
  checkScaling(objects, context, environments, problems);
  checkNetworkPolicies(objects, problems);
  return problems;
};
