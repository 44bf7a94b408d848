// The BUILT apps as child processes: what an operator runs, and what a restart, a second replica
// or a satellite really is. `npm test` builds first; run `npm run build` before a file alone.
//
// Ports: the apps listen on PORT=0 by default and log "listening on http://<host>:<port>", which
// `listening()` reads — no port is reserved and released for them (see ports.js).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request, { type Response } from 'supertest';
import { expectNoKeyIn } from './keys.js';

// What `npm start` runs: the app bundled into one file (scripts/bundle-apps.mjs). tsc's modules
// beside it run the same app unbundled (SAMPLE_MODULES_MAIN: test/sample/main starts it too).
export const SAMPLE_MAIN = fileURLToPath(new URL('../../apps/sample/dist/main.bundle.js', import.meta.url));
export const SATELLITE_MAIN = fileURLToPath(new URL('../../apps/satellite/dist/main.bundle.js', import.meta.url));
export const SAMPLE_MODULES_MAIN = fileURLToPath(new URL('../../apps/sample/dist/main.js', import.meta.url));

/** Fails with what to run when a built entry point is missing. */
export function requireBuilt(...mains: string[]): void {
  for (const main of mains.length > 0 ? mains : [SAMPLE_MAIN, SATELLITE_MAIN]) {
    if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first`);
  }
}

const LISTENING = /listening on (http:\/\/(\S+):(\d+))/;

export interface AppStartOptions {
  /** The working directory (default: this process's). */
  cwd?: string;
}

/**
 * One app started as a child process with a clean environment (PATH, NO_COLOR=1 and `env`:
 * nothing of the developer's LIBERTY_* variables leaks in). Its output (stdout and stderr) is kept
 * for log assertions.
 */
export class AppProcess {
  private text = '';
  private readonly watchers: Array<{ text: string; resolve: (at: number) => void }> = [];
  readonly exited: Promise<number | null>;
  /** The reachable URL (http://127.0.0.1:<port>) once `listening()` resolved. */
  url = '';
  /** How errors name it ("the sample app did not start …"). */
  protected name = 'the app';

  protected constructor(
    readonly child: ChildProcess,
    readonly env: Record<string, string>,
  ) {
    const collect = (chunk: Buffer) => {
      this.text += String(chunk);
      for (const watcher of [...this.watchers]) {
        if (this.text.includes(watcher.text)) {
          this.watchers.splice(this.watchers.indexOf(watcher), 1);
          watcher.resolve(Date.now());
        }
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    // 'close', not 'exit': by then its stdout and stderr are read to the end (the last line of a
    // refused start is in `output`).
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  }

  /** Spawns `node <main>`; see `listening()` and `exit()` for what to wait for. */
  static spawn(main: string, env: Record<string, string>, options: AppStartOptions = {}): AppProcess {
    const fullEnv = { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env };
    const child = spawn(process.execPath, [main], {
      cwd: options.cwd,
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(child, fullEnv);
  }

  /** Everything the app printed so far. */
  get output(): string {
    return this.text;
  }

  /** The URL as the app logged it (its bind address, e.g. http://0.0.0.0:41234), once listening. */
  get loggedUrl(): string | undefined {
    return LISTENING.exec(this.text)?.[1];
  }

  /** When (Date.now()) `text` first appears in the output: the time its chunk arrived. */
  logged(text: string): Promise<number> {
    if (this.text.includes(text)) return Promise.resolve(Date.now());
    return new Promise((resolve) => this.watchers.push({ text, resolve }));
  }

  /**
   * Waits for the "listening on" line and returns the URL to call (127.0.0.1 and the port it
   * logged). Fails with the output when the app exits first or does not listen in time (and then
   * kills it).
   */
  async listening(timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const port = LISTENING.exec(this.text)?.[3];
      if (port) return (this.url = `http://127.0.0.1:${port}`);
      if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > deadline) {
        this.child.kill('SIGKILL');
        await this.exited;
        throw new Error(
          `${this.name} did not start (exit ${this.child.exitCode ?? this.child.signalCode}):\n${this.text}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits for the app to exit by itself (a refused start); SIGKILL after `timeoutMs`. */
  async exit(timeoutMs = 90_000): Promise<number | null> {
    const killer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(killer);
    }
  }

  /** SIGTERM (the graceful shutdown hooks run), then waits for the exit; SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }

  /** SIGKILL, as a crashed host or an OOM kill would; waits for the exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Starts a built app and waits until it listens (`PORT=0` unless `env` gives one). */
export async function startApp(
  main: string,
  env: Record<string, string>,
  options: AppStartOptions & { timeoutMs?: number } = {},
): Promise<AppProcess> {
  requireBuilt(main);
  const app = AppProcess.spawn(main, { PORT: '0', ...env }, options);
  await app.listening(options.timeoutMs);
  return app;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * The built sample app (a replica): calls as the admin by default, and checks that no issued key
 * ever shows in a response or, at `stop()`, in its log.
 */
export class SampleProcess extends AppProcess {
  protected override name = 'the sample app';

  /** Starts it with `env` (PORT=0 unless given) and waits until it listens. */
  static async start(env: Record<string, string>, timeoutMs = 60_000): Promise<SampleProcess> {
    requireBuilt(SAMPLE_MAIN);
    const fullEnv = { PATH: process.env.PATH ?? '', NO_COLOR: '1', PORT: '0', ...env };
    const child = spawn(process.execPath, [SAMPLE_MAIN], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const app = new SampleProcess(child, fullEnv);
    await app.listening(timeoutMs);
    return app;
  }

  /** Its output so far. */
  get log(): string {
    return this.output;
  }

  async call(method: Method, path: string, body?: unknown, token = this.env.LIBERTY_ADMIN_TOKEN): Promise<Response> {
    let test = request(this.url)[method](path).set('Authorization', `Bearer ${token}`);
    if (body !== undefined) test = test.send(body as object);
    const response = await test;
    expectNoKeyIn(response.text ?? '');
    return response;
  }

  override async stop(graceMs = 15_000): Promise<void> {
    await super.stop(graceMs);
    expectNoKeyIn(this.output);
  }
}
