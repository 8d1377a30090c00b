// Docker HEALTHCHECK without curl (the slim images have none):
//   node healthcheck.js <port variable> <default port> <path>
// e.g. `node healthcheck.js INFERENCE_HTTP_PORT 8081 /health/ready`. The port is read from the same variable
// the app reads, so a compose or `docker run -e` override moves the probe with the server.
// Exits 0 when the path answers 2xx within 3 s, 1 otherwise (2 on a wrong invocation).
const [portVariable, defaultPort, path] = process.argv.slice(2);
if (!portVariable || !/^\d+$/.test(defaultPort ?? '') || !path?.startsWith('/')) {
  process.stderr.write('usage: node healthcheck.js <port variable> <default port> </path>\n');
  process.exit(2);
}
const port = process.env[portVariable] || defaultPort;
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) })
  .then((response) => process.exit(response.ok ? 0 : 1))
  .catch(() => process.exit(1));
