import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request, { type Response } from 'supertest';
import { expectNoKeyIn } from '../../sample/sample-fixture.js';

// The BUILT sample app (apps/sample/dist/main.js) as a child process: what an operator runs,
// and what a restart or a second replica really is. Run `npm run build` first.

export const MAIN = fileURLToPath(new URL('../../../apps/sample/dist/main.js', import.meta.url));

export class SampleProcess {
  private output = '';
  private constructor(
    readonly child: ChildProcess,
    readonly env: Record<string, string>,
  ) {}
  url = '';

  /** Starts the app with `env` (PORT=0 unless given) and waits until it listens. */
  static async start(env: Record<string, string>, timeoutMs = 60_000): Promise<SampleProcess> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
    const fullEnv = { PATH: process.env.PATH ?? '', NO_COLOR: '1', PORT: '0', ...env };
    const child = spawn(process.execPath, [MAIN], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const app = new SampleProcess(child, fullEnv);
    child.stdout!.on('data', (chunk) => (app.output += chunk));
    child.stderr!.on('data', (chunk) => (app.output += chunk));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = /listening on http:\/\/(?:localhost|127\.0\.0\.1):(\d+)/.exec(app.output);
      if (match) {
        app.url = `http://127.0.0.1:${match[1]}`;
        return app;
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the sample app did not start (exit ${child.exitCode}):\n${app.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  get log(): string {
    return this.output;
  }

  async call(
    method: 'get' | 'post' | 'put' | 'patch' | 'delete',
    path: string,
    body?: unknown,
    token = this.env.LIBERTY_ADMIN_TOKEN,
  ): Promise<Response> {
    let test = request(this.url)[method](path).set('Authorization', `Bearer ${token}`);
    if (body !== undefined) test = test.send(body as object);
    const response = await test;
    expectNoKeyIn(response.text ?? '');
    return response;
  }

  /** SIGTERM (graceful shutdown hooks run), then waits for the exit; SIGKILL after 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    expectNoKeyIn(this.output);
  }
}
