import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file lives in e2e/support/). */
export const ROOT = path.resolve(__dirname, '..', '..');
/** The H5 production build the server serves; E2E_STATIC_DIR points at another copy of it. */
export const H5_DIR = process.env.E2E_STATIC_DIR ? path.resolve(process.env.E2E_STATIC_DIR) : path.join(ROOT, 'dist', 'h5');
export const ARTIFACTS_DIR = path.join(ROOT, 'artifacts', 'e2e');
export const SERVER_LOG = path.join(ARTIFACTS_DIR, 'server.log');

/** A fresh folder for one scenario's screenshots and logs: artifacts/e2e/<scenario>/. */
export function scenarioDir(scenario: string): string {
  const dir = path.join(ARTIFACTS_DIR, scenario);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function ensureArtifactsDir(): void {
  if (!existsSync(ARTIFACTS_DIR)) mkdirSync(ARTIFACTS_DIR, { recursive: true });
}
