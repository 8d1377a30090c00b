import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { APP_CONTRACTS } from './app-contracts';
import { schemaProblem } from './k8s-schemas';
import { applyJsonPatch, overlayFolders, renderKustomization, type KubeObject } from './kustomize';
import { checkManifests, type CheckContext } from './manifest-checks';
import { readYaml, readRepoFile, repoPath } from './repo-files';

interface ExampleSecret {
  kind: string;
  metadata: { name: string };
  stringData: Record<string, string>;
}

const exampleSecret = readYaml('deploy/base/secret.example.yaml') as ExampleSecret;
const context: CheckContext = { apps: APP_CONTRACTS, secrets: { [exampleSecret.metadata.name]: exampleSecret.stringData } };
const overlays = overlayFolders();
const rendered = new Map(overlays.map((overlay) => [overlay, renderKustomization(overlay)]));
const prod = (): KubeObject[] => structuredClone(rendered.get('deploy/overlays/prod') as KubeObject[]);
const find = (objects: KubeObject[], kind: string, name: string): KubeObject => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found;
};
/** The prod overlay with one JSON patch applied to one object, then checked. */
const problemsAfter = (kind: string, name: string, operations: Parameters<typeof applyJsonPatch>[1]): string[] => {
  const objects = prod();
  applyJsonPatch(find(objects, kind, name), operations);
  return checkManifests(objects, context);
};

describe('deploy/ Kubernetes manifests', () => {
  it('has a dev and a prod overlay, each with the three apps', () => {
    expect(overlays).toEqual(['deploy/overlays/dev', 'deploy/overlays/prod']);
    for (const objects of rendered.values()) {
      expect(objects.filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name).sort()).toEqual(['evaluation-worker', 'gateway', 'inference']);
      expect(objects.map((object) => object.kind)).toEqual(expect.arrayContaining(['ScaledObject', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceMonitor', 'NetworkPolicy', 'ConfigMap', 'Service', 'Namespace']));
    }
  });

  it.each(overlays)('%s: every object passes its Kubernetes / KEDA / Prometheus-operator schema', (overlay) => {
    expect((rendered.get(overlay) as KubeObject[]).map(schemaProblem).filter(Boolean)).toEqual([]);
  });

  it.each(overlays)('%s: cross-references hold (selectors, ports, probes, env vs config schemas, scaling targets, policies)', (overlay) => {
    expect(checkManifests(rendered.get(overlay) as KubeObject[], context)).toEqual([]);
  });

  it.each(overlays)('%s: namespaced objects sit in the overlay namespace and images are ghcr.io/<owner>/sentiment-ops-<app>', (overlay) => {
    const objects = rendered.get(overlay) as KubeObject[];
    const namespace = find(objects, 'Namespace', objects.find((object) => object.kind === 'Namespace')?.metadata.name ?? '').metadata.name;
    expect(objects.filter((object) => object.kind !== 'Namespace' && object.metadata.namespace !== namespace)).toEqual([]);
    const tag = overlay.endsWith('/prod') ? /^\d+\.\d+\.\d+$/ : /^main$/;
    for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
      const [container] = (deployment['spec'] as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers;
      const [, app, version] = /^ghcr\.io\/[a-z0-9-]+\/sentiment-ops-([a-z-]+):(.+)$/.exec(container?.image ?? '') ?? [];
      expect(app).toBe(deployment.metadata.name);
      expect(version).toMatch(tag);
    }
  });

  it('the example Secret documents every key and is not part of any overlay', () => {
    expect(Object.keys(exampleSecret.stringData).sort()).toEqual(['API_KEYS', 'DATABASE_URL', 'METRICS_TOKEN']);
    for (const objects of rendered.values()) expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
  });

  it('equals `kubectl kustomize` output where kubectl is installed (the subset renders like kustomize)', () => {
    const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (version.status !== 0) {
      console.log('kubectl not installed: the renderer is not compared with kustomize here (it was when the overlays were written)');
      return;
    }
    for (const overlay of overlays) {
      const output = spawnSync('kubectl', ['kustomize', repoPath(overlay)], { encoding: 'utf8' });
      expect(output.stderr).toBe('');
      const theirs = parseAllDocuments(output.stdout).map((document) => document.toJS() as KubeObject);
      const byId = (objects: KubeObject[]) => Object.fromEntries(objects.map((object) => [`${object.kind}/${object.metadata.name}`, object]));
      expect(byId(rendered.get(overlay) as KubeObject[])).toEqual(byId(theirs));
    }
  });

  describe('the checks fail on a broken reference', () => {
    it('a Service selecting no pod, or a targetPort the pods do not expose', () => {
      expect(problemsAfter('Service', 'gateway', [{ op: 'replace', path: '/spec/selector/app.kubernetes.io~1name', value: 'gw' }])).toContain("Service/gateway: selector matches no Deployment's pods");
      expect(problemsAfter('Service', 'inference', [{ op: 'replace', path: '/spec/ports/0/targetPort', value: 'metrics' }])).toContain('Service/inference: targetPort metrics is not a container port');
    });

    it('a probe on a missing port or an unserved path, a missing probe', () => {
      const base = '/spec/template/spec/containers/0';
      expect(problemsAfter('Deployment', 'inference', [{ op: 'replace', path: `${base}/livenessProbe/httpGet/port`, value: 9999 }])).toContain('Deployment/inference container inference: livenessProbe port 9999 is not a container port');
      expect(problemsAfter('Deployment', 'gateway', [{ op: 'replace', path: `${base}/readinessProbe/httpGet/path`, value: '/healthz' }]).join('\n')).toMatch(/readinessProbe path \/healthz is not served/);
      expect(problemsAfter('Deployment', 'evaluation-worker', [{ op: 'remove', path: `${base}/startupProbe` }])).toContain('Deployment/evaluation-worker container evaluation-worker: no startupProbe');
    });

    it('an env var the app does not read, a value its config refuses, a port variable off the container port', () => {
      expect(problemsAfter('ConfigMap', 'inference-config', [{ op: 'add', path: '/data/REDIS_HOST', value: 'redis' }])).toContain("Deployment/inference container inference: REDIS_HOST is not a variable of inference's env schema");
      expect(problemsAfter('ConfigMap', 'gateway-config', [{ op: 'replace', path: '/data/INFERENCE_TIMEOUT_MS', value: 'soon' }]).join('\n')).toMatch(/does not pass gateway's config: .*INFERENCE_TIMEOUT_MS/);
      expect(problemsAfter('ConfigMap', 'evaluation-worker-config', [{ op: 'replace', path: '/data/WORKER_HTTP_PORT', value: '9000' }])).toContain('Deployment/evaluation-worker container evaluation-worker: WORKER_HTTP_PORT=9000 is not a container port');
    });

    it('a Secret key or ConfigMap that does not exist, a writable folder on the read-only root', () => {
      const env = '/spec/template/spec/containers/0/env';
      expect(problemsAfter('Deployment', 'gateway', [{ op: 'replace', path: `${env}/0/valueFrom/secretKeyRef/key`, value: 'DB_URL' }])).toContain('Deployment/gateway container gateway: env DATABASE_URL reads Secret sentiment-ops-secrets key DB_URL, not in secret.example.yaml');
      expect(problemsAfter('Deployment', 'inference', [{ op: 'replace', path: '/spec/template/spec/containers/0/envFrom/0/configMapRef/name', value: 'inference-settings' }])).toContain('Deployment/inference container inference: envFrom ConfigMap inference-settings does not exist');
      expect(problemsAfter('ConfigMap', 'inference-config', [{ op: 'replace', path: '/data/MODELS_CACHE_DIR', value: '/app/cache' }])).toContain('Deployment/inference container inference: MODELS_CACHE_DIR=/app/cache is on the read-only root, not on a volume');
    });

    it('autoscalers and budgets pointing at nothing, a Deployment scaled twice, replicas fighting the autoscaler', () => {
      expect(problemsAfter('ScaledObject', 'inference', [{ op: 'replace', path: '/spec/scaleTargetRef/name', value: 'inference-v2' }])).toContain('ScaledObject/inference: scale target Deployment/inference-v2 does not exist');
      expect(problemsAfter('HorizontalPodAutoscaler', 'gateway', [{ op: 'replace', path: '/spec/scaleTargetRef/name', value: 'inference' }])).toContain('ScaledObject/inference: inference is already scaled by HorizontalPodAutoscaler/gateway');
      expect(problemsAfter('Deployment', 'evaluation-worker', [{ op: 'add', path: '/spec/replicas', value: 2 }])).toContain('Deployment/evaluation-worker: sets spec.replicas although ScaledObject/evaluation-worker owns the count');
      expect(problemsAfter('PodDisruptionBudget', 'gateway', [{ op: 'replace', path: '/spec/selector/matchLabels', value: { app: 'gateway' } }])).toContain("PodDisruptionBudget/gateway: selector matches no Deployment's pods");
    });

    it('a KEDA trigger on a stream the replicas do not read, or on another Redis', () => {
      expect(problemsAfter('ScaledObject', 'inference', [{ op: 'replace', path: '/spec/triggers/0/metadata/stream', value: 'sentiment-ops:inference:live' }]).join('\n')).toMatch(/stream sentiment-ops:inference:live is not one the app reads/);
      expect(problemsAfter('ScaledObject', 'inference', [{ op: 'add', path: '/spec/triggers/0/metadata/pendingEntriesCount', value: '10' }])).toContain(
        'ScaledObject/inference trigger live-lag: needs exactly one of pendingEntriesCount, streamLength, lagCount (has pendingEntriesCount, lagCount)',
      );
      expect(problemsAfter('ScaledObject', 'inference', [{ op: 'remove', path: '/spec/triggers/2/metadata/consumerGroup' }])).toContain('ScaledObject/inference trigger bulk-lag: lagCount needs a consumerGroup');
      expect(problemsAfter('ScaledObject', 'evaluation-worker', [{ op: 'replace', path: '/spec/triggers/0/metadata/listLength', value: '0' }])).toContain(
        'ScaledObject/evaluation-worker trigger evaluation-wait: a redis list trigger needs listName and a positive listLength',
      );
      expect(problemsAfter('ConfigMap', 'inference-config', [{ op: 'replace', path: '/data/REDIS_PREFIX', value: 'sentiment-ops-v2' }])).toContain('ScaledObject/inference: no trigger on stream sentiment-ops-v2:rpc:inference:live');
      expect(problemsAfter('ScaledObject', 'evaluation-worker', [{ op: 'replace', path: '/spec/triggers/0/metadata/address', value: 'redis.sentiment-ops-dev.svc.cluster.local:6379' }]).join('\n')).toMatch(/is not the app's Redis \(redis\.sentiment-ops\.svc\.cluster\.local:6379\)/);
    });

    it('network policies that cut a needed flow or select nothing', () => {
      expect(problemsAfter('NetworkPolicy', 'inference', [{ op: 'remove', path: '/spec/egress/0' }])).toContain('Deployment/inference: no NetworkPolicy allows egress to redis:6379');
      expect(problemsAfter('NetworkPolicy', 'evaluation-worker', [{ op: 'remove', path: '/spec/ingress' }])).toContain('ServiceMonitor/evaluation-worker: no NetworkPolicy lets Prometheus reach evaluation-worker on http');
      expect(problemsAfter('NetworkPolicy', 'default-deny', [{ op: 'replace', path: '/spec/policyTypes', value: ['Ingress'] }])).toContain('NetworkPolicy: no default-deny policy (empty podSelector, Ingress and Egress, no rules)');
      expect(problemsAfter('NetworkPolicy', 'gateway', [{ op: 'replace', path: '/spec/podSelector/matchLabels', value: { app: 'gw' } }])).toContain("NetworkPolicy/gateway: podSelector matches no Deployment's pods");
    });

    it('a ServiceMonitor on the wrong path, port or token', () => {
      expect(problemsAfter('ServiceMonitor', 'gateway', [{ op: 'replace', path: '/spec/endpoints/0/path', value: '/metrics' }])).toContain("ServiceMonitor/gateway: path /metrics is not gateway's metrics path /admin/metrics");
      expect(problemsAfter('ServiceMonitor', 'inference', [{ op: 'replace', path: '/spec/endpoints/0/port', value: 'metrics' }])).toContain('ServiceMonitor/inference: Service inference has no port named metrics');
      expect(problemsAfter('ServiceMonitor', 'gateway', [{ op: 'replace', path: '/spec/endpoints/0/authorization/credentials/key', value: 'TOKEN' }])).toContain('ServiceMonitor/gateway: bearer token Secret sentiment-ops-secrets key TOKEN is not in secret.example.yaml');
    });

    it('schema violations of core and CRD objects', () => {
      const objects = prod();
      const deployment = find(objects, 'Deployment', 'gateway');
      applyJsonPatch(deployment, [{ op: 'replace', path: '/spec/template/spec/containers/0/ports/0/containerPort', value: 'http' }]);
      expect(schemaProblem(deployment)).toMatch(/^Deployment\/gateway: .*containerPort must be integer/);
      const scaledObject = find(objects, 'ScaledObject', 'inference');
      applyJsonPatch(scaledObject, [{ op: 'replace', path: '/spec/triggers/0/metadata/lagCount', value: 16 }]);
      expect(schemaProblem(scaledObject)).toMatch(/lagCount must be string/);
      expect(schemaProblem({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toBe('Pod/p: no schema for v1 Pod');
    });
  });

  describe('the kustomize subset renderer', () => {
    const folder = 'tmp/ops-kustomize-spec';
    const write = (kustomization: string): void => {
      mkdirSync(repoPath(folder), { recursive: true });
      writeFileSync(repoPath(`${folder}/kustomization.yaml`), kustomization);
      writeFileSync(repoPath(`${folder}/cm.yaml`), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { A: "1" }\n');
    };
    afterEach(() => rmSync(repoPath(folder), { recursive: true, force: true }));

    it('refuses fields outside the subset instead of ignoring them', () => {
      write('resources: [cm.yaml]\nnamePrefix: x-\n');
      expect(() => renderKustomization(folder)).toThrow(/fields outside the supported subset: namePrefix/);
    });

    it('refuses a patch whose target or path does not exist', () => {
      write('resources: [cm.yaml]\npatches:\n  - target: { kind: ConfigMap, name: d }\n    patch: "[]"\n');
      expect(() => renderKustomization(folder)).toThrow(/ConfigMap\/d matches 0 objects/);
      write('resources: [cm.yaml]\npatches:\n  - target: { kind: ConfigMap, name: c }\n    patch: "[{op: replace, path: /data/B, value: x}]"\n');
      expect(() => renderKustomization(folder)).toThrow(/replace \/data\/B: no such member/);
    });

    it('applies namespace and JSON patches', () => {
      write('namespace: n\nresources: [cm.yaml]\npatches:\n  - target: { kind: ConfigMap, name: c }\n    patch: "[{op: add, path: /data/B, value: \'2\'}]"\n');
      expect(renderKustomization(folder)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { A: '1', B: '2' } }]);
    });
  });

  it('deploy/README.md names every file of deploy/ it documents', () => {
    const readme = readRepoFile('deploy/README.md');
    for (const file of ['base/secret.example.yaml', 'overlays/dev', 'overlays/prod', 'autoscaling.yaml', 'network-policies.yaml', 'monitoring.yaml']) expect(readme).toContain(file);
  });
});
