'use strict';
// Reads the gateway's metrics (Prometheus text, admin/dashboard/metrics: operator key) and shows the
// reference dashboard's tables; refreshes every 30 s.
(function () {
  const REFRESH_MS = 30000;

  function parse(text) {
    const series = [];
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
      if (!match) continue;
      const labels = {};
      for (const pair of (match[3] || '').match(/\w+="(?:[^"\\]|\\.)*"/g) || []) {
        const index = pair.indexOf('=');
        labels[pair.slice(0, index)] = pair.slice(index + 2, -1);
      }
      series.push({ name: match[1], labels, value: Number(match[4]) });
    }
    return series;
  }

  const sum = (series, name) => series.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0);

  function rows(id, entries) {
    const body = document.getElementById(id);
    body.replaceChildren(
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

  async function refresh() {
    const error = document.getElementById('error');
    try {
      const response = await fetch(new URL('admin/dashboard/metrics', document.baseURI), { headers: window.sentimentOpsAuth.headers({}) });
      if (!response.ok) {
        const payload = await response.json().catch(() => ({}));
        throw new Error(window.sentimentOpsAuth.explain(response, payload.message || 'metrics request failed with status ' + response.status));
      }
      const series = parse(await response.text());
      const predictions = series.filter((s) => s.name === 'sentiment_predictions_total');
      const byLabel = (label) => predictions.filter((s) => s.labels.sentiment === label).reduce((t, s) => t + s.value, 0);
      rows('predictions', [
        ['Positive predictions', byLabel('positive')],
        ['Neutral predictions', byLabel('neutral')],
        ['Negative predictions', byLabel('negative')],
        ['Total predictions', predictions.reduce((t, s) => t + s.value, 0), true],
      ]);
      const latency = average(series, 'sentiment_prediction_latency_seconds', 2, 1000);
      rows('performance', [['Average prediction latency', latency === 'N/A' ? latency : latency + ' ms']]);
      const length = average(series, 'sentiment_text_length', 1);
      rows('text-metrics', [
        ['Average text length', length === 'N/A' ? length : length + ' characters'],
        ['Average confidence', average(series, 'sentiment_confidence', 2)],
      ]);
      document.getElementById('updated').textContent = new Date().toLocaleTimeString();
      error.hidden = true;
    } catch (caught) {
      error.textContent = caught.message;
      error.hidden = false;
    }
  }

  document.getElementById('refresh').addEventListener('click', refresh);
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
