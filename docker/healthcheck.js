// Docker HEALTHCHECK: `node healthcheck.js <default port> <path>`; the port comes from PORT /
// INFERENCE_HTTP_PORT when set. Exits 0 when the probe answers 2xx within 3 s.
const [defaultPort, path] = process.argv.slice(2);
const port = process.env.PORT || process.env.INFERENCE_HTTP_PORT || defaultPort;
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) })
  .then((response) => process.exit(response.ok ? 0 : 1))
  .catch(() => process.exit(1));
