'use strict';
// Polls the gateway's metrics (admin/dashboard/metrics, operator key) every 5 s, feeds the charts
// and the tables beside them (the charts' text alternative), and refreshes evaluations and drift.
(function () {
  const REFRESH_MS = 5000;
  const { parse, sum } = window.sentimentOpsCharts;
  const charts = window.sentimentOpsCharts.start();
  document.getElementById('window-size').textContent = charts ? String(charts.windowSize) : '0 (charts unavailable)';

  function rows(id, entries) {
    document.getElementById(id).replaceChildren(
      ...entries.map(([label, value, strong]) => {
        const row = document.createElement('tr');
        const name = document.createElement(strong ? 'th' : 'td');
        name.textContent = label;
        const cell = document.createElement(strong ? 'th' : 'td');
        cell.textContent = value;
        row.append(name, cell);
        return row;
      }),
    );
  }

  const average = (series, base, digits, scale) => {
    const count = sum(series, base + '_count');
    return count > 0 ? ((sum(series, base + '_sum') / count) * (scale || 1)).toFixed(digits) : 'N/A';
  };

  function tables(series) {
    const byLabel = (label) => sum(series, 'sentiment_predictions_total', (l) => l.sentiment === label);
    rows('predictions', [
      ['Positive predictions', byLabel('positive')],
      ['Neutral predictions', byLabel('neutral')],
      ['Negative predictions', byLabel('negative')],
      ['Total predictions', sum(series, 'sentiment_predictions_total'), true],
    ]);
    const latency = average(series, 'sentiment_prediction_latency_seconds', 2, 1000);
    rows('performance', [['Average prediction latency', latency === 'N/A' ? latency : latency + ' ms']]);
    const length = average(series, 'sentiment_text_length', 1);
    rows('text-metrics', [
      ['Average text length', length === 'N/A' ? length : length + ' characters'],
      ['Average confidence', average(series, 'sentiment_confidence', 2)],
    ]);
    rows('lanes', [
      ['Live backlog (texts)', sum(series, 'live_queue_backlog_items')],
      ['Live lane pending', sum(series, 'rpc_stream_pending', (l) => l.lane === 'live')],
      ['Bulk lane pending', sum(series, 'rpc_stream_pending', (l) => l.lane === 'bulk')],
    ]);
  }

  async function refreshMetrics() {
    const error = document.getElementById('error');
    try {
      const response = await fetch(new URL('admin/dashboard/metrics', document.baseURI), { headers: window.sentimentOpsAuth.headers({}) });
      if (!response.ok) {
        const payload = await response.json().catch(() => ({}));
        throw new Error(window.sentimentOpsAuth.explain(response, (payload && payload.message) || 'metrics request failed with status ' + response.status));
      }
      const series = parse(await response.text());
      tables(series);
      if (charts) charts.update(series);
      document.getElementById('updated').textContent = new Date().toLocaleTimeString();
      error.hidden = true;
    } catch (caught) {
      error.textContent = caught.message;
      error.hidden = false;
    }
  }

  let polls = 0;
  async function refresh(all) {
    await refreshMetrics();
    // Evaluations and drift change slowly: every third poll unless asked.
    if (all || polls++ % 3 === 0) await window.sentimentOpsRuns.refresh();
  }

  document.getElementById('refresh').addEventListener('click', () => refresh(true));
  refresh(true);
  setInterval(refresh, REFRESH_MS);
})();
