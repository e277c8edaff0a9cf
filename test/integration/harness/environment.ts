import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where setup.sh put the heavy parts (outside the repo, cached between runs). */
export interface IntegrationEnvironment {
  node24: string;
  codeServerEntry: string;
  chromium: string;
  cache: string;
}

/** Runs setup.sh (idempotent: a few ms when everything is cached) and returns what it installed. */
export function ensureIntegrationEnvironment(): IntegrationEnvironment {
  const script = join(__dirname, '..', 'setup.sh');
  const output = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const envFile = output.trim().split('\n').pop()!;
  return JSON.parse(readFileSync(envFile, 'utf8')) as IntegrationEnvironment;
}
