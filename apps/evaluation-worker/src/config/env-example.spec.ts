import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workerEnvSchema } from './worker.config';

// .env.example is the operator's reference: it must list exactly the variables the app reads.
it('apps/evaluation-worker/.env.example documents every variable of the config schema, and no other', () => {
  const text = readFileSync(join(__dirname, '../../.env.example'), 'utf8');
  const documented = [...text.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
  expect([...new Set(documented)].sort()).toEqual(Object.keys(workerEnvSchema.shape).sort());
});
