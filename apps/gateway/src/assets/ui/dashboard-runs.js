'use strict';
// Evaluation history (sortable, details with the confusion matrix), the latest drift report with its
// figure and alerts, and the buttons that start an evaluation or a drift run (operator key).
(function () {
  const LABELS = ['negative', 'neutral', 'positive'];
  const auth = window.sentimentOpsAuth;
  const url = (path) => new URL(path, document.baseURI).toString();
  let runs = [];
  let sort = { key: 'createdAt', descending: true };

  async function request(method, path) {
    const response = await fetch(url(path), { method, headers: auth.headers({}) });
    if (!response.ok) {
      const payload = await response.json().catch(() => ({}));
      const detail = payload && Array.isArray(payload.detail) ? payload.detail.map((d) => d.field + ': ' + d.msg).join('; ') : '';
      throw new Error(auth.explain(response, detail || (payload && payload.message) || method + ' ' + path + ' failed with status ' + response.status));
    }
    return response;
  }
  const json = async (method, path) => (await request(method, path)).json();

  function showError(id, error) {
    const element = document.getElementById(id);
    element.textContent = error ? error.message : '';
    element.hidden = !error;
  }

  function cell(row, value, tag) {
    const element = document.createElement(tag || 'td');
    if (value instanceof Node) element.append(value);
    else element.textContent = value === null || value === undefined ? '—' : String(value);
    row.append(element);
    return element;
  }

  const fixed = (value) => (typeof value === 'number' ? value.toFixed(3) : null);
  const modelOf = (run) => run.resolvedModel || run.modelName || 'default';
  const sortValue = {
    createdAt: (run) => run.createdAt,
    model: modelOf,
    dataset: (run) => run.dataset + ' ' + run.split,
    samples: (run) => run.samplesEvaluated ?? run.samples ?? -1,
    status: (run) => run.status,
    accuracy: (run) => (run.report ? run.report.accuracy : -1),
    macroF1: (run) => (run.report ? run.report.macroF1 : -1),
  };

  function renderRuns() {
    const value = sortValue[sort.key];
    const sorted = runs.slice().sort((a, b) => {
      const x = value(a);
      const y = value(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (sort.descending ? -1 : 1);
    });
    document.getElementById('evaluations-body').replaceChildren(
      ...sorted.map((run) => {
        const row = document.createElement('tr');
        row.dataset.id = run.id;
        cell(row, new Date(run.createdAt).toLocaleString());
        cell(row, modelOf(run));
        cell(row, run.dataset + ' (' + run.split + ')');
        cell(row, run.samplesEvaluated ?? run.samples);
        cell(row, run.status + (run.status === 'running' ? ' ' + Math.round(run.progress * 100) + '%' : ''));
        cell(row, run.report ? fixed(run.report.accuracy) : null);
        cell(row, run.report ? fixed(run.report.macroF1) : null);
        const link = document.createElement('a');
        // Path included: the page's <base href> would otherwise send a bare #fragment to the home page.
        link.href = location.pathname + '#evaluation=' + encodeURIComponent(run.id);
        link.textContent = 'Details';
        cell(row, link);
        return row;
      }),
    );
    renderMatrix();
    for (const header of document.querySelectorAll('#evaluations th')) {
      const button = header.querySelector('button');
      if (!button) continue;
      if (button.dataset.sort === sort.key) header.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
      else header.removeAttribute('aria-sort');
    }
  }

  // Model × dataset: the newest completed run of each pair (macro F1, accuracy), linked to its details.
  function renderMatrix() {
    const newest = new Map();
    for (const run of runs) {
      if (run.status !== 'completed' || !run.report) continue;
      const key = JSON.stringify([modelOf(run), run.dataset + ' (' + run.split + ')']);
      if (!newest.has(key) || newest.get(key).createdAt < run.createdAt) newest.set(key, run);
    }
    const models = [...new Set(runs.filter((run) => run.report).map(modelOf))].sort();
    const datasets = [...new Set(runs.filter((run) => run.report).map((run) => run.dataset + ' (' + run.split + ')'))].sort();
    const target = document.getElementById('evaluations-matrix');
    if (models.length === 0) return target.replaceChildren();
    const body = models.map((model) =>
      [model].concat(
        datasets.map((dataset) => {
          const run = newest.get(JSON.stringify([model, dataset]));
          if (!run) return null;
          const link = document.createElement('a');
          link.href = location.pathname + '#evaluation=' + encodeURIComponent(run.id);
          link.textContent = 'F1 ' + fixed(run.report.macroF1) + ' · acc ' + fixed(run.report.accuracy);
          return link;
        }),
      ),
    );
    target.replaceChildren(table('Newest completed run per model × dataset (macro F1, accuracy)', ['model \\ dataset'].concat(datasets), body));
  }

  for (const button of document.querySelectorAll('#evaluations th button')) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort;
      sort = { key, descending: sort.key === key ? !sort.descending : key === 'createdAt' };
      renderRuns();
    });
  }

  function table(caption, head, body) {
    const element = document.createElement('table');
    element.createCaption().textContent = caption;
    const headRow = element.createTHead().insertRow();
    head.forEach((text) => cell(headRow, text, 'th'));
    const tbody = element.createTBody();
    for (const values of body) {
      const row = tbody.insertRow();
      values.forEach((value, i) => cell(row, value, i === 0 ? 'th' : 'td'));
    }
    return element;
  }

  async function showDetails(id) {
    const target = document.getElementById('evaluation-details');
    target.hidden = false;
    target.replaceChildren();
    try {
      const run = await json('GET', 'api/v1/evaluations/' + encodeURIComponent(id));
      const title = document.createElement('h3');
      title.textContent = 'Evaluation ' + run.id;
      const summary = document.createElement('p');
      summary.textContent = [modelOf(run) + (run.modelVersion ? ' (version ' + run.modelVersion + ')' : ''), run.dataset + ' / ' + run.split, run.sampling + ' sampling, seed ' + run.seed, run.status].join(' · ');
      target.append(title, summary);
      if (run.error) {
        const error = document.createElement('p');
        error.className = 'error';
        error.textContent = run.error;
        target.append(error);
      }
      const report = run.report;
      if (report) {
        target.append(
          table('Per class', ['class', 'precision', 'recall', 'F1', 'support'], LABELS.map((l) => [l, fixed(report.perClass[l].precision), fixed(report.perClass[l].recall), fixed(report.perClass[l].f1), report.perClass[l].support]).concat([['macro', fixed(report.macroPrecision), fixed(report.macroRecall), fixed(report.macroF1), report.samples]])),
          table('Confusion matrix (rows: true label, columns: predicted)', ['true \\ predicted'].concat(LABELS), LABELS.map((l, i) => [l].concat(report.confusionMatrix[i]))),
        );
        target.querySelectorAll('table')[1].id = 'confusion-matrix';
      }
      target.focus();
    } catch (error) {
      const message = document.createElement('p');
      message.className = 'error';
      message.textContent = error.message;
      target.append(message);
    }
  }

  const detailsFromHash = () => {
    const match = /^#evaluation=(.+)$/.exec(location.hash);
    if (match) showDetails(decodeURIComponent(match[1]));
  };
  window.addEventListener('hashchange', detailsFromHash);
  detailsFromHash();

  async function refreshRuns() {
    try {
      runs = (await json('GET', 'api/v1/evaluations?limit=50')).items || [];
      renderRuns();
      showError('evaluations-error');
    } catch (error) {
      showError('evaluations-error', error);
    }
  }

  document.getElementById('evaluate-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const status = document.getElementById('evaluate-status');
    status.textContent = '';
    showError('evaluations-error');
    const query = new URLSearchParams({
      dataset: document.getElementById('evaluate-dataset').value,
      split: document.getElementById('evaluate-split').value,
      samples: document.getElementById('evaluate-samples').value,
      sampling: document.getElementById('evaluate-sampling').value,
    });
    const model = document.getElementById('evaluate-model').value.trim();
    if (model) query.set('model_name', model);
    try {
      const accepted = await json('POST', 'api/v1/evaluate?' + query.toString());
      status.textContent = 'Evaluation ' + accepted.jobId + ' ' + accepted.status + '.';
      await refreshRuns();
    } catch (error) {
      showError('evaluations-error', error);
    }
  });

  function readAsDataUrl(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  let shownFigure = null;
  async function refreshDrift() {
    try {
      const reports = (await json('GET', 'api/v1/drift/reports?limit=5')).items || [];
      const target = document.getElementById('drift-report');
      if (reports.length === 0) {
        target.textContent = 'No drift report yet.';
        shownFigure = null;
      } else {
        const newest = reports[0];
        const done = reports.find((report) => report.status === 'completed');
        const line = document.createElement('p');
        line.textContent = 'Newest report ' + newest.id + ': ' + newest.status + ' (' + newest.trigger + ', ' + new Date(newest.createdAt).toLocaleString() + ')' + (newest.error ? ' — ' + newest.error : '');
        const nodes = [line];
        if (done && done.result) {
          const verdict = document.createElement('p');
          const dataset = done.result.dataset;
          verdict.textContent = 'Latest completed ' + done.id + ': ' + (dataset.status !== 'ok' ? 'not enough data' : dataset.drifted ? 'drift detected' : 'no drift') + ' (' + dataset.driftedFeatures + ' of ' + dataset.evaluatedFeatures + ' features drifted).';
          nodes.push(verdict);
          // An <img src> cannot send the API key: fetch the PNG, show it as a data: URL (allowed by the CSP).
          let figure = shownFigure && shownFigure.id === done.id ? shownFigure.node : null;
          if (!figure) {
            figure = document.createElement('img');
            figure.id = 'drift-figure';
            figure.alt = 'Drift report figure of ' + done.id;
            figure.src = await readAsDataUrl(await (await request('GET', 'api/v1/drift/reports/' + done.id + '.png')).blob());
            shownFigure = { id: done.id, node: figure };
          }
          nodes.push(figure);
        }
        target.replaceChildren(...nodes);
      }
      const alerts = (await json('GET', 'api/v1/drift/alerts?limit=10')).items || [];
      document.getElementById('drift-alerts').replaceChildren(
        ...(alerts.length ? alerts : [null]).map((alert) => {
          const item = document.createElement('li');
          item.textContent = alert ? alert.severity + ' · ' + new Date(alert.createdAt).toLocaleString() + ' · ' + alert.message : 'No alerts.';
          if (alert) item.className = 'alert ' + (alert.severity === 'CRITICAL' ? 'critical' : 'warning');
          return item;
        }),
      );
      showError('drift-error');
    } catch (error) {
      showError('drift-error', error);
    }
  }

  document.getElementById('drift-run').addEventListener('click', async () => {
    const status = document.getElementById('drift-status');
    status.textContent = '';
    showError('drift-error');
    try {
      const accepted = await json('POST', 'api/v1/drift/run');
      status.textContent = 'Drift run ' + accepted.reportId + ' ' + accepted.status + '.';
      await refreshDrift();
    } catch (error) {
      showError('drift-error', error);
    }
  });

  window.sentimentOpsRuns = { refresh: () => Promise.all([refreshRuns(), refreshDrift()]) };
})();
