'use strict';
// Live charts of the gateway's Prometheus metrics. The gateway keeps no history, so this tab keeps a
// rolling window of samples (one per poll) and charts the change between consecutive samples.
(function () {
  const WINDOW = 60;
  const LABELS = ['negative', 'neutral', 'positive'];
  const COLOURS = { negative: '#b00020', neutral: '#8a93a3', positive: '#1b7f3b', p50: '#2f5bea', p95: '#f5a623', p99: '#b00020' };

  /** Prometheus text format → [{name, labels, value}]; label values are kept as opaque strings. */
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

  const sum = (series, name, match) => series.filter((s) => s.name === name && (!match || match(s.labels))).reduce((t, s) => t + s.value, 0);

  /** Cumulative histogram buckets [{le, count}] ascending, +Inf last. */
  function buckets(series, name) {
    return series
      .filter((s) => s.name === name + '_bucket')
      .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value }))
      .sort((a, b) => a.le - b.le);
  }

  // Prometheus' histogram_quantile: linear inside the bucket holding the rank; the +Inf bucket
  // answers the highest finite bound.
  function quantile(q, cumulative) {
    const total = cumulative.length ? cumulative[cumulative.length - 1].count : 0;
    if (!(total > 0)) return null;
    const rank = q * total;
    let lower = 0;
    let below = 0;
    for (const bucket of cumulative) {
      if (bucket.count >= rank) {
        if (bucket.le === Infinity) return lower;
        const inside = bucket.count - below;
        return inside > 0 ? lower + (bucket.le - lower) * ((rank - below) / inside) : bucket.le;
      }
      lower = bucket.le;
      below = bucket.count;
    }
    return lower;
  }

  // A counter that went down means the gateway restarted: its value is then the whole change.
  const delta = (now, before) => (now >= before ? now - before : now);

  function take(series) {
    const lane = (name, laneName) => sum(series, name, (l) => l.lane === laneName);
    return {
      time: new Date(),
      predictions: Object.fromEntries(LABELS.map((label) => [label, sum(series, 'sentiment_predictions_total', (l) => l.sentiment === label)])),
      latency: buckets(series, 'sentiment_prediction_latency_seconds'),
      requests: sum(series, 'sentiment_prediction_latency_seconds_count'),
      texts: sum(series, 'sentiment_text_length_count'),
      confidence: buckets(series, 'sentiment_confidence'),
      length: buckets(series, 'sentiment_text_length'),
      lanes: {
        'live backlog (gateway)': sum(series, 'live_queue_backlog_items'),
        'live stream lag': lane('rpc_stream_lag', 'live'),
        'live stream pending': lane('rpc_stream_pending', 'live'),
        'bulk stream lag': lane('rpc_stream_lag', 'bulk'),
        'bulk stream pending': lane('rpc_stream_pending', 'bulk'),
      },
    };
  }

  /** Per-bucket (not cumulative) counts with readable ranges, for the distribution bar charts. */
  function distribution(cumulative, format) {
    let previous = 0;
    let lower = 0;
    return cumulative.map((bucket) => {
      const label = bucket.le === Infinity ? '> ' + format(lower) : format(lower) + '–' + format(bucket.le);
      const count = bucket.count - previous;
      previous = bucket.count;
      lower = bucket.le;
      return { label, count };
    });
  }

  function create(id, type, datasets, yTitle) {
    const canvas = document.getElementById(id);
    return new window.Chart(canvas, {
      type,
      data: { labels: [], datasets: datasets.map(([label, colour]) => ({ label, data: [], borderColor: colour, backgroundColor: colour, spanGaps: false, pointRadius: 2 })) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: Boolean(yTitle), text: yTitle || '' } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  function start() {
    if (!window.Chart) return null; // the library did not load: the tables still show the figures
    const samples = [];
    const laneNames = Object.keys(take([]).lanes);
    const laneColours = ['#2f5bea', '#f5a623', '#8e44ad', '#1b7f3b', '#5b6270'];
    const charts = {
      predictions: create('chart-predictions', 'line', LABELS.map((label) => [label, COLOURS[label]]), 'predictions per interval'),
      latency: create('chart-latency', 'line', ['p50', 'p95', 'p99'].map((q) => [q, COLOURS[q]]), 'ms'),
      confidence: create('chart-confidence', 'bar', [['texts', '#2f5bea']], 'texts'),
      length: create('chart-length', 'bar', [['texts', '#1b7f3b']], 'texts'),
      lanes: create('chart-lanes', 'line', laneNames.map((name, i) => [name, laneColours[i]]), 'entries'),
      batch: create('chart-batch', 'line', [['texts per request', '#8e44ad']], 'texts'),
    };

    function update(series) {
      samples.push(take(series));
      if (samples.length > WINDOW + 1) samples.shift();
      // Interval i runs from sample i to sample i+1.
      const intervals = samples.slice(1).map((now, i) => ({ now, before: samples[i] }));
      const labels = intervals.map(({ now }) => now.time.toLocaleTimeString());
      const set = (chart, rows, columns) => {
        chart.data.labels = rows.labels;
        columns.forEach((column, i) => (chart.data.datasets[i].data = rows.values.map((row) => row[column])));
        chart.update();
      };
      set(charts.predictions, { labels, values: intervals.map(({ now, before }) => Object.fromEntries(LABELS.map((l) => [l, delta(now.predictions[l], before.predictions[l])]))) }, LABELS);
      const latency = intervals.map(({ now, before }) => {
        const window = now.latency.map((bucket, i) => ({ le: bucket.le, count: delta(bucket.count, before.latency[i] ? before.latency[i].count : 0) }));
        const ms = (q) => {
          const value = quantile(q, window);
          return value === null ? null : Math.round(value * 100000) / 100;
        };
        return { p50: ms(0.5), p95: ms(0.95), p99: ms(0.99) };
      });
      set(charts.latency, { labels, values: latency }, ['p50', 'p95', 'p99']);
      const batch = intervals.map(({ now, before }) => {
        const requests = delta(now.requests, before.requests);
        return { size: requests > 0 ? Math.round((delta(now.texts, before.texts) / requests) * 100) / 100 : null };
      });
      set(charts.batch, { labels, values: batch }, ['size']);
      set(charts.lanes, { labels: samples.map((s) => s.time.toLocaleTimeString()), values: samples.map((s) => s.lanes) }, laneNames);
      const latest = samples[samples.length - 1];
      const confidence = distribution(latest.confidence, (v) => v.toFixed(2));
      set(charts.confidence, { labels: confidence.map((b) => b.label), values: confidence }, ['count']);
      const length = distribution(latest.length, (v) => String(v));
      set(charts.length, { labels: length.map((b) => b.label), values: length }, ['count']);
      return latest;
    }

    return { update, windowSize: WINDOW };
  }

  window.sentimentOpsCharts = { parse, sum, quantile, start };
})();
