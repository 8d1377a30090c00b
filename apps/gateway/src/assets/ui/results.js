'use strict';
// Renders predictions and exports them. Every API or user string goes through textContent or a DOM
// property, never HTML.
(function () {
  const LABELS = ['negative', 'neutral', 'positive'];
  const percent = (value, digits) => (value * 100).toFixed(digits) + '%';

  function render(result) {
    const node = document.getElementById('result-template').content.cloneNode(true);
    node.querySelector('.text').textContent = result.text;
    const sentiment = node.querySelector('.sentiment');
    sentiment.textContent = result.sentiment;
    sentiment.className = 'sentiment ' + (LABELS.includes(result.sentiment) ? result.sentiment : 'unknown');
    node.querySelector('.confidence').textContent = 'Confidence: ' + percent(result.confidence, 2);
    const list = node.querySelector('.probabilities');
    for (const label of LABELS) {
      const probability = Number(result.probabilities && result.probabilities[label]) || 0;
      const term = document.createElement('dt');
      term.textContent = label;
      const value = document.createElement('dd');
      const track = document.createElement('span');
      track.className = 'track';
      const bar = document.createElement('span');
      bar.className = 'bar ' + label;
      // CSSOM, not a style attribute: the CSP allows no inline styles.
      bar.style.width = percent(probability, 1);
      track.append(bar);
      const figure = document.createElement('span');
      figure.textContent = percent(probability, 2);
      value.setAttribute('aria-label', label + ' ' + percent(probability, 2));
      value.append(track, figure);
      list.append(term, value);
    }
    return node;
  }

  // RFC 4180: quote a field holding a quote, comma or line break; a leading = + - @ is prefixed
  // with ' so a spreadsheet does not run it as a formula.
  function csvField(value) {
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function toCsv(results) {
    const header = ['text', 'sentiment', 'confidence'].concat(LABELS.map((label) => 'p_' + label));
    const rows = results.map((r) => [r.text, r.sentiment, r.confidence].concat(LABELS.map((label) => r.probabilities[label])));
    return [header].concat(rows).map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
  }

  /** "Model: name (version)" from the X-Model / X-Model-Version headers of an answer. */
  function modelOf(response) {
    const name = response.headers.get('X-Model');
    if (!name) return '';
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // Not percent-encoded: shown as sent.
    }
    const version = response.headers.get('X-Model-Version');
    return 'Model: ' + decoded + (version ? ' (version ' + version + ')' : '');
  }

  window.sentimentOpsResults = { render, toCsv, modelOf };
})();
