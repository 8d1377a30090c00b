import { addAlertsSeries, addRecordingRules, findReferenceProblems, type SeriesCatalog } from './metric-references';
import { alertQuerySites, alertRules, dashboardFiles, dashboardQuerySites, recordingRules, variableAsPromql } from './observability-files';
import { extractPromqlReferences } from './promql';
import { appDefaultLabels, buildSeriesCatalog } from './registered-metrics';

describe('PromQL reader', () => {
  it('finds metric names, matcher labels and grouping labels, skipping functions, keywords and Grafana variables', () => {
    const references = extractPromqlReferences(
      'histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket{service="gateway", route=~"/api/.*"}[$__rate_interval] offset 5m)))' +
        ' / on (service) group_left (route) max without (instance) (up{job="$job"}) > bool 0.5 and service:http_requests:rate5m',
    );
    expect(references.selectors).toEqual([
      { metric: 'http_request_duration_seconds_bucket', matcherLabels: ['service', 'route'], matcherValues: ['gateway', '/api/.*'] },
      { metric: 'up', matcherLabels: ['job'], matcherValues: ['$job'] },
      { metric: 'service:http_requests:rate5m', matcherLabels: [], matcherValues: [] },
    ]);
    expect(references.groupingLabels).toEqual(['le', 'service', 'service', 'route', 'instance']);
    expect(references.byLabels).toEqual(['le', 'service']);
    // `> bool` keeps every series (0 or 1); a plain comparison or != outside matchers drops some.
    expect(references.filters).toBe(false);
    expect(extractPromqlReferences('sum by (lane) (rpc_stream_lag{lane!="bulk"})').filters).toBe(false);
    expect(extractPromqlReferences('time() - max(sentiment_drift_last_report_timestamp_seconds > 0)').filters).toBe(true);
  });

  it('reads aggregations written with the clause after the argument, __name__ matchers and strings holding braces', () => {
    const references = extractPromqlReferences('sum(rate({__name__="inference_items_total", lane="live"}[5m])) by (replica) + label_replace(model_accuracy, "m", "$1", "model_name", "{(.*)}")');
    expect(references.selectors).toEqual([
      { metric: 'inference_items_total', matcherLabels: ['lane'], matcherValues: ['live'] },
      { metric: 'model_accuracy', matcherLabels: [], matcherValues: [] },
    ]);
    expect(references.byLabels).toEqual(['replica']);
  });

  it('throws on what it cannot read instead of skipping it', () => {
    expect(() => extractPromqlReferences('model_accuracy{model_name="x"')).toThrow(/unclosed/);
    expect(() => extractPromqlReferences('model_accuracy{model_name}')).toThrow(/matcher/);
    expect(() => extractPromqlReferences('up{job="x}')).toThrow(/unterminated/);
  });

  it('turns Grafana variable queries into PromQL', () => {
    expect(variableAsPromql('label_values(model_accuracy{dataset="$dataset"}, model_name)')).toBe('group by (model_name) (model_accuracy{dataset="$dataset"})');
    expect(variableAsPromql('query_result(topk(5, up))')).toBe('topk(5, up)');
    expect(variableAsPromql('metrics(.*)')).toBeUndefined();
  });
});

describe('metric names in rules and dashboards', () => {
  let catalog: SeriesCatalog;
  let factories: string[];
  let recordingProblems: string[];
  beforeAll(async () => {
    ({ series: catalog, factories } = await buildSeriesCatalog());
    recordingProblems = addRecordingRules(
      catalog,
      recordingRules().map(({ rule }) => rule),
      (rule) => `recording rule ${rule.record}`,
    );
    addAlertsSeries(
      catalog,
      alertRules().map(({ rule }) => rule),
    );
  });

  it('builds the catalog from every metrics factory of libs/metrics, with histogram series as Prometheus stores them', () => {
    expect(factories).toEqual(expect.arrayContaining(['createSentimentMetrics', 'createHttpMetrics', 'createInferenceMetrics', 'createRpcStreamMetrics', 'createDriftMetrics', 'createEvaluationMetrics', 'createBackpressureMetrics']));
    expect(catalog.get('sentiment_predictions_total')?.labels).toEqual(new Set(['sentiment', 'service', 'replica', 'job', 'instance']));
    expect(catalog.has('sentiment_prediction_latency_seconds_bucket')).toBe(true);
    expect(catalog.get('sentiment_prediction_latency_seconds_bucket')?.labels.has('le')).toBe(true);
    // The reference's empty panel: a histogram has no series under its bare name.
    expect(catalog.has('sentiment_prediction_latency_seconds')).toBe(false);
    expect(catalog.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    expect(catalog.has('sentiment_drift_detected')).toBe(true);
    expect(appDefaultLabels()).toEqual(['replica', 'service']);
  });

  it('rejects unknown series, bare histogram names, unknown matcher labels and unknown grouping or legend labels', () => {
    const problems = (expr: string, templates: string[] = []) => findReferenceProblems({ where: 'fake', expr, templates }, catalog);
    expect(problems('rate(sentiment_requests_total[5m])')).toEqual(['fake: unknown series "sentiment_requests_total"']);
    expect(problems('sentiment_prediction_latency_seconds')).toEqual([
      'fake: unknown series "sentiment_prediction_latency_seconds" (a histogram exposes only sentiment_prediction_latency_seconds_bucket, sentiment_prediction_latency_seconds_sum and sentiment_prediction_latency_seconds_count)',
    ]);
    expect(problems('model_accuracy{model="x"}')).toEqual([expect.stringMatching(/"model_accuracy" has no label "model"/)]);
    expect(problems('sum by (class_label) (model_accuracy)')).toEqual(['fake: label "class_label" is on none of the series it queries']);
    expect(problems('sum by (sentiment) (rate(sentiment_predictions_total[5m]))', ['{{sentiment}} {{lane}}'])).toEqual(['fake: label "lane" is on none of the series it queries']);
    expect(problems('sum by (sentiment) (rate(sentiment_predictions_total[5m]))', ['{{sentiment}}'])).toEqual([]);
  });

  it('knows the labels a recording rule keeps', () => {
    expect(recordingProblems).toEqual([]);
    expect(catalog.get('service:http_request_duration_seconds:p95_5m')?.labels).toEqual(new Set(['service']));
    expect(findReferenceProblems({ where: 'fake', expr: 'service:http_requests:rate5m{route="/x"}' }, catalog)).toEqual([expect.stringMatching(/has no label "route"/)]);
  });

  it('gives ALERTS the labels of the alert rules', () => {
    expect(catalog.get('ALERTS')?.labels).toEqual(new Set(['alertname', 'alertstate', 'severity']));
  });

  it('finds only registered series and labels in every alert rule', () => {
    const sites = alertQuerySites();
    expect(sites.length).toBeGreaterThanOrEqual(10);
    expect(sites.flatMap((site) => findReferenceProblems(site, catalog))).toEqual([]);
  });

  it('finds only registered series and labels in every dashboard panel and variable', () => {
    const files = dashboardFiles();
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const { promql } = dashboardQuerySites(file);
      expect({ file, queries: promql.length > 0 }).toEqual({ file, queries: true });
      expect(promql.flatMap((site) => findReferenceProblems(site, catalog))).toEqual([]);
    }
  });
});
