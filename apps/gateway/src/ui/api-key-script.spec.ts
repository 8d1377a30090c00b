import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

interface Auth {
  headers(extra: Record<string, string>): Record<string, string>;
  explain(response: { status: number; headers: { get(name: string): string | null } }, message: string): string;
}

/** Runs the browser script against the few DOM pieces it touches. */
const load = (storage: Map<string, string>) => {
  const listeners: Record<string, () => void> = {};
  const element = (id: string) => ({
    id,
    value: '',
    textContent: '',
    addEventListener: (event: string, listener: () => void) => {
      listeners[`${id}:${event}`] = listener;
    },
  });
  const elements = Object.fromEntries(['api-key', 'api-key-status', 'api-key-forget'].map((id) => [id, element(id)]));
  const window: { sentimentOpsAuth?: Auth } = {};
  const sessionStorage = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v), removeItem: (k: string) => storage.delete(k) };
  runInNewContext(readFileSync(join(__dirname, '../assets/ui/api-key.js'), 'utf8'), { window, sessionStorage, document: { getElementById: (id: string) => elements[id] } });
  return { auth: window.sentimentOpsAuth as Auth, elements, fire: (name: string) => listeners[name]() };
};

const response = (status: number, retryAfter: string | null = null) => ({ status, headers: { get: (name: string) => (name === 'Retry-After' ? retryAfter : null) } });

describe('web UI API key script (assets/ui/api-key.js)', () => {
  it('sends the key typed in as X-API-Key, keeps it in sessionStorage, and forgets it', () => {
    const storage = new Map<string, string>();
    const page = load(storage);
    expect(page.auth.headers({ 'Content-Type': 'application/json' })).toEqual({ 'Content-Type': 'application/json' });
    page.elements['api-key'].value = '  sk_typed  ';
    page.fire('api-key:input');
    expect(page.auth.headers({})).toEqual({ 'X-API-Key': 'sk_typed' });
    expect([...storage.values()]).toEqual(['sk_typed']);
    // A reload of the tab finds it again.
    expect(load(storage).auth.headers({})).toEqual({ 'X-API-Key': 'sk_typed' });
    page.fire('api-key-forget:click');
    expect(page.auth.headers({})).toEqual({});
    expect(storage.size).toBe(0);
  });

  it('explains 401, 403 and 429 before the server message', () => {
    const storage = new Map<string, string>();
    const page = load(storage);
    expect(page.auth.explain(response(401), 'missing API key')).toBe('API key needed (401): enter one in "API key" above. missing API key');
    page.elements['api-key'].value = 'sk_wrong';
    page.fire('api-key:input');
    expect(page.auth.explain(response(401), 'invalid or revoked API key')).toMatch(/^API key refused \(401\): it is invalid or revoked/);
    expect(page.auth.explain(response(403), 'needs role operator')).toBe("Not allowed (403): this API key's role cannot do this. needs role operator");
    expect(page.auth.explain(response(429, '12'), 'rate limit exceeded')).toBe('Too many requests (429), retry in 12 s. rate limit exceeded');
    expect(page.auth.explain(response(422), 'text: must not be blank')).toBe('text: must not be blank');
  });

  it('is used by both pages, which render messages with textContent only', () => {
    const dir = join(__dirname, '../assets/ui');
    const ui = (name: string) => readFileSync(join(dir, name), 'utf8');
    const scripts = readdirSync(dir).filter((name) => name.endsWith('.js'));
    expect(scripts).toEqual(expect.arrayContaining(['app.js', 'results.js', 'upload.js', 'dashboard.js', 'dashboard-charts.js', 'dashboard-runs.js', 'api-key.js']));
    for (const script of scripts) expect(ui(script)).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    for (const page of ['index.html', 'dashboard.html']) {
      // Our own scripts (not the vendored chart library) start with api-key.js, which the others call.
      const own = [...ui(page).matchAll(/<script src="ui\/([\w.-]+\.js)"><\/script>/g)].map((match) => match[1]);
      expect(own[0]).toBe('api-key.js');
      expect(own.length).toBeGreaterThan(1);
    }
    expect(ui('dashboard.js')).toContain("'admin/dashboard/metrics'");
  });
});
