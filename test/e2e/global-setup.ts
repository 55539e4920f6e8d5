import { execFileSync } from 'node:child_process';

/** Build the client once so every e2e file tests the current code (the server serves dist/client). */
export default function setup(): void {
  try {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  } catch (err) {
    throw new Error(`e2e global setup: "npx vite build" failed — fix the client build first.\n${String(err)}`);
  }
}
