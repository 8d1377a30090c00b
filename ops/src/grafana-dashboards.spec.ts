import { allPanels, dashboardFiles, readDashboard, type GrafanaDashboard } from './observability-files';
import { readYaml } from './repo-files';

interface DatasourceProvisioning {
  datasources: { uid: string; type: string; url: string; user?: string; secureJsonData?: Record<string, string> }[];
}
interface DashboardProvisioning {
  providers: { type: string; options: { path: string } }[];
}

const datasources = (readYaml('docker/grafana/provisioning/datasources/datasources.yml') as DatasourceProvisioning).datasources;
const dashboards = new Map<string, GrafanaDashboard>(dashboardFiles().map((file) => [file, readDashboard(file)]));

interface DatasourceRef {
  type?: string;
  uid?: string;
}
const datasourceRefs = (dashboard: GrafanaDashboard): DatasourceRef[] => {
  const refs: DatasourceRef[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'datasource' && inner && typeof inner === 'object') refs.push(inner as DatasourceRef);
        else walk(inner);
      }
    }
  };
  walk(dashboard);
  return refs;
};

describe('Grafana provisioning', () => {
  it('provisions Prometheus, Alertmanager and Postgres with credentials from the environment only', () => {
    expect(datasources.map(({ uid, type }) => ({ uid, type }))).toEqual([
      { uid: 'prometheus', type: 'prometheus' },
      { uid: 'alertmanager', type: 'alertmanager' },
      { uid: 'postgres', type: 'grafana-postgresql-datasource' },
    ]);
    const postgres = datasources.find(({ uid }) => uid === 'postgres');
    expect(postgres?.user).toMatch(/^\$\{?[A-Z_]+\}?$/);
    expect(postgres?.secureJsonData?.['password']).toMatch(/^\$\{?[A-Z_]+\}?$/);
  });

  it('loads the dashboards folder the JSON files live in', () => {
    const [provider] = (readYaml('docker/grafana/provisioning/dashboards/dashboards.yml') as DashboardProvisioning).providers;
    expect(provider).toEqual(expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }) }));
  });
});

describe('Grafana dashboards', () => {
  it('has the reference three under their uids, plus serving internals and drift', () => {
    expect([...dashboards.values()].map(({ uid, title }) => `${uid}: ${title}`).sort()).toEqual([
      'drift-alerts: Drift & alerts',
      'model-metrics: Model Evaluation Metrics',
      'model-performance: Model Performance',
      'sentimentanalysis: Sentiment Analysis',
      'serving-internals: Serving internals',
    ]);
  });

  it.each([...dashboards.entries()])('%s: refers only to provisioned datasources, with unique panel ids, titles, descriptions and a grid that fits', (_file, dashboard) => {
    for (const ref of datasourceRefs(dashboard)) {
      expect(datasources.map(({ uid, type }) => ({ uid, type }))).toContainEqual({ uid: ref.uid, type: ref.type });
    }
    const panels = allPanels(dashboard);
    expect(new Set(panels.map((panel) => (panel as { id: number }).id)).size).toBe(panels.length);
    for (const panel of panels.filter((candidate) => candidate.type !== 'row')) {
      const { title, description, gridPos, targets } = panel as { title: string; description: string; gridPos: { x: number; w: number; h: number }; targets: unknown[] };
      expect({ title, description: description.length > 10, targets: targets.length > 0 }).toEqual({ title, description: true, targets: true });
      expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
      expect(gridPos.h).toBeGreaterThan(0);
    }
  });

  it('takes its variables from label_values(...) queries, never from static lists (the reference could not select a fine-tuned model)', () => {
    const variables = [...dashboards.values()].flatMap((dashboard) => dashboard.templating?.list ?? []);
    expect(variables.length).toBeGreaterThanOrEqual(3);
    for (const variable of variables) {
      expect({ name: variable.name, type: variable.type, definition: variable.definition }).toEqual({ name: variable.name, type: 'query', definition: expect.stringMatching(/^label_values\(/) });
    }
  });
});
