'use strict';
// The analysis page: one text, or many (typed or from a file) sent in batches of the API's limit
// with a progress bar. All user and API text is inserted with textContent, never as HTML.
(function () {
  const BATCH_LIMIT = 100; // SENTIMENT_LIMITS.maxBatchItems
  const api = (path) => new URL(path, document.baseURI).toString();
  const { render, toCsv, modelOf } = window.sentimentOpsResults;
  let fileTexts = null;
  let lastResults = [];

  /** The API's 4xx body as one line: each `detail` entry as "field: msg", else its message. */
  function messageOf(payload, status, fieldName) {
    const detail = Array.isArray(payload.detail) ? payload.detail.map((d) => fieldName(String(d.field)) + ': ' + d.msg).join('; ') : '';
    return detail || payload.message || 'Request failed with status ' + status;
  }

  async function post(path, body, fieldName) {
    const response = await fetch(api(path), {
      method: 'POST',
      headers: window.sentimentOpsAuth.headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    });
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(window.sentimentOpsAuth.explain(response, messageOf(payload || {}, response.status, fieldName || String)));
    return { payload, model: modelOf(response) };
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
    document.getElementById('single-model').textContent = '';
    showError('single-error');
    try {
      const { payload, model } = await post('api/v1/sentiment', { text: document.getElementById('single-text').value });
      target.append(render(payload));
      document.getElementById('single-model').textContent = model;
    } catch (error) {
      showError('single-error', error);
    }
  });

  function progress(done, total) {
    const box = document.getElementById('batch-progress-box');
    box.hidden = total <= BATCH_LIMIT;
    const bar = document.getElementById('batch-progress');
    bar.max = total;
    bar.value = done;
    document.getElementById('batch-progress-text').textContent = done + ' of ' + total + ' texts';
  }

  // A file replaces the typed lines until the textarea is edited again.
  document.getElementById('batch-file').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    const status = document.getElementById('batch-file-status');
    fileTexts = null;
    status.textContent = '';
    showError('batch-error');
    if (!file) return;
    try {
      fileTexts = await window.sentimentOpsUpload.readFile(file);
      const batches = Math.ceil(fileTexts.length / BATCH_LIMIT);
      status.textContent = file.name + ': ' + fileTexts.length + ' texts (' + batches + (batches === 1 ? ' request' : ' requests') + ').';
    } catch (error) {
      event.target.value = '';
      showError('batch-error', error);
    }
  });
  document.getElementById('batch-text').addEventListener('input', () => {
    if (!fileTexts) return;
    fileTexts = null;
    document.getElementById('batch-file').value = '';
    document.getElementById('batch-file-status').textContent = 'File cleared: the typed lines are analysed.';
  });

  document.getElementById('batch-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const target = document.getElementById('batch-result');
    const submit = event.target.querySelector('button[type=submit]');
    target.replaceChildren();
    document.getElementById('batch-model').textContent = '';
    document.getElementById('export').hidden = true;
    showError('batch-error');
    const texts = fileTexts || document.getElementById('batch-text').value.split('\n').filter((line) => line.trim() !== '');
    if (texts.length === 0) return showError('batch-error', new Error('Enter at least one text, or choose a file.'));
    lastResults = [];
    submit.disabled = true;
    progress(0, texts.length);
    try {
      for (let offset = 0; offset < texts.length; offset += BATCH_LIMIT) {
        const chunk = texts.slice(offset, offset + BATCH_LIMIT);
        // texts[i] of this request is text number offset+i+1 of the whole input.
        const fieldName = (field) => field.replace(/^texts\[(\d+)\]/, (_, i) => 'text ' + (offset + Number(i) + 1));
        const { payload, model } = await post('api/v1/sentiment/batch', { texts: chunk }, fieldName);
        for (const result of payload.results) {
          const item = document.createElement('li');
          item.append(render(result));
          target.append(item);
          lastResults.push(result);
        }
        document.getElementById('batch-model').textContent = model;
        progress(offset + chunk.length, texts.length);
      }
    } catch (error) {
      const prefix = texts.length > BATCH_LIMIT ? 'Stopped after ' + lastResults.length + ' of ' + texts.length + ' texts. ' : '';
      showError('batch-error', new Error(prefix + error.message));
    } finally {
      submit.disabled = false;
      document.getElementById('export').hidden = lastResults.length === 0;
    }
  });

  async function copy(format) {
    const text = format === 'json' ? JSON.stringify(lastResults, null, 2) : toCsv(lastResults);
    const output = document.getElementById('export-output');
    const status = document.getElementById('copy-status');
    output.value = text;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = 'Copied ' + lastResults.length + ' results as ' + format.toUpperCase() + '.';
    } catch {
      output.select();
      status.textContent = 'The clipboard is not available here: the ' + format.toUpperCase() + ' is selected below, press Ctrl+C.';
    }
  }
  document.getElementById('copy-json').addEventListener('click', () => copy('json'));
  document.getElementById('copy-csv').addEventListener('click', () => copy('csv'));
})();
