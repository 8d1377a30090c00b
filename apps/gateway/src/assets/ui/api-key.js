'use strict';
// The optional API key of the page: kept in sessionStorage (this tab only, gone when it closes), sent
// as X-API-Key. Error messages are returned as text for textContent, never inserted as HTML.
(function () {
  const STORAGE_KEY = 'sentiment-ops.api-key';

  function stored() {
    try {
      return sessionStorage.getItem(STORAGE_KEY) || '';
    } catch {
      return '';
    }
  }

  function store(value) {
    try {
      if (value) sessionStorage.setItem(STORAGE_KEY, value);
      else sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // Storage disabled: the key is then used for this page view only.
    }
  }

  let current = stored();
  const input = document.getElementById('api-key');
  const status = document.getElementById('api-key-status');
  function showStatus() {
    status.textContent = current ? 'A key is set for this tab.' : 'No key: endpoints that need one answer 401.';
  }
  input.value = current;
  input.addEventListener('input', () => {
    current = input.value.trim();
    store(current);
    showStatus();
  });
  document.getElementById('api-key-forget').addEventListener('click', () => {
    current = '';
    input.value = '';
    store('');
    showStatus();
  });
  showStatus();

  window.sentimentOpsAuth = {
    /** Request headers with the key added when one is set. */
    headers(extra) {
      const headers = Object.assign({}, extra);
      if (current) headers['X-API-Key'] = current;
      return headers;
    },
    /** A message for a failed response: what the status means here, then the server's own message. */
    explain(response, message) {
      const retry = response.headers.get('Retry-After');
      switch (response.status) {
        case 401:
          return (current ? 'API key refused (401): it is invalid or revoked. ' : 'API key needed (401): enter one in "API key" above. ') + message;
        case 403:
          return "Not allowed (403): this API key's role cannot do this. " + message;
        case 429:
          return 'Too many requests (429)' + (retry ? ', retry in ' + retry + ' s' : '') + '. ' + message;
        default:
          return message;
      }
    },
  };
})();
