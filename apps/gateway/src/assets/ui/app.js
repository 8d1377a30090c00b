'use strict';
// All user text is inserted with textContent, never as HTML.
(function () {
  const LABELS = ['negative', 'neutral', 'positive'];
  const api = (path) => new URL(path, document.baseURI).toString();

  async function post(path, body) {
    const response = await fetch(api(path), {
      method: 'POST',
      headers: window.sentimentOpsAuth.headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    });
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = Array.isArray(payload.detail) ? payload.detail.map((d) => d.field + ': ' + d.msg).join('; ') : '';
      throw new Error(window.sentimentOpsAuth.explain(response, detail || payload.message || 'Request failed with status ' + response.status));
    }
    return payload;
  }

  function render(result) {
    const node = document.getElementById('result-template').content.cloneNode(true);
    node.querySelector('.text').textContent = result.text;
    const sentiment = node.querySelector('.sentiment');
    sentiment.textContent = result.sentiment;
    sentiment.className = 'sentiment ' + result.sentiment;
    node.querySelector('.confidence').textContent = 'Confidence: ' + (result.confidence * 100).toFixed(2) + '%';
    const list = node.querySelector('.probabilities');
    for (const label of LABELS) {
      const term = document.createElement('dt');
      term.textContent = label;
      const value = document.createElement('dd');
      const bar = document.createElement('span');
      bar.className = 'bar ' + label;
      bar.style.width = (result.probabilities[label] * 100).toFixed(1) + '%';
      const figure = document.createElement('span');
      figure.textContent = (result.probabilities[label] * 100).toFixed(2) + '%';
      value.append(bar, figure);
      list.append(term, value);
    }
    return node;
  }

  function showError(id, error) {
    const element = document.getElementById(id);
    element.textContent = error ? error.message : '';
    element.hidden = !error;
  }

  document.getElementById('single-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const target = document.getElementById('single-result');
    target.replaceChildren();
    showError('single-error');
    try {
      const result = await post('api/v1/sentiment', { text: document.getElementById('single-text').value });
      target.append(render(result));
    } catch (error) {
      showError('single-error', error);
    }
  });

  document.getElementById('batch-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const target = document.getElementById('batch-result');
    target.replaceChildren();
    showError('batch-error');
    const texts = document.getElementById('batch-text').value.split('\n').filter((line) => line.trim() !== '');
    try {
      const { results } = await post('api/v1/sentiment/batch', { texts });
      for (const result of results) {
        const item = document.createElement('li');
        item.append(render(result));
        target.append(item);
      }
    } catch (error) {
      showError('batch-error', error);
    }
  });
})();
