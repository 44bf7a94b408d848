import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The BUILT apps (`npm test` builds first; run `npm run build` before running a file alone).
export const SAMPLE_MAIN = fileURLToPath(new URL('../../apps/sample/dist/main.js', import.meta.url));
export const SATELLITE_MAIN = fileURLToPath(new URL('../../apps/satellite/dist/main.js', import.meta.url));

export function requireBuilt(): void {
  for (const main of [SAMPLE_MAIN, SATELLITE_MAIN]) {
    if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first`);
  }
}

/** One app started as a child process; its output is kept for log assertions. */
export class AppProcess {
  private text = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk) => (this.text += chunk));
    child.stderr!.on('data', (chunk) => (this.text += chunk));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(main: string, env: Record<string, string>): AppProcess {
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(child);
  }

  get output(): string {
    return this.text;
  }

  /** The URL the app logged ("listening on http://localhost:<port>"), as 127.0.0.1. */
  async listening(timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const port = /listening on http:\/\/(?:localhost|127\.0\.0\.1):(\d+)/.exec(this.text)?.[1];
      if (port) return `http://127.0.0.1:${port}`;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the app did not start:\n${this.text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
