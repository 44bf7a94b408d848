// Child-process plumbing. Every measurement runs in a process of its own (fresh heap, fresh JIT);
// servers and the load generator are separate processes that talk to the orchestrator over IPC.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/**
 * Starts `bench/<script>` and resolves with the first message it sends once it has exited with
 * status 0. Rejects (and kills it) when it fails or runs past `timeoutMs`.
 */
export function runChild(script, { args = [], env = {}, execArgv = [], timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(here(script), args, {
      env: { ...process.env, ...env },
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let result;
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('message', (message) => {
      if (result === undefined) result = message;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} timed out after ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`${script} ${args.join(' ')} exited with ${signal ?? code}\n${output}`));
    });
  });
}

/**
 * A long-lived child (an HTTP server, the load generator). `ready` resolves with its first message;
 * `request(message)` sends `{ id, ...message }` and resolves with the reply carrying the same id;
 * `stop()` asks it to close and waits for its exit (killing it after `graceMs`).
 */
export function startChild(script, { args = [], env = {}, execArgv = [], readyTimeoutMs = 60_000 } = {}) {
  const child = fork(here(script), args, {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const pending = new Map();
  let nextId = 1;
  let exited = false;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      const error = new Error(`${script} ${args.join(' ')} exited with ${signal ?? code}\n${output}`);
      for (const { reject } of pending.values()) reject(error);
      pending.clear();
      resolve({ code, signal });
    });
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} ${args.join(' ')} not ready\n${output}`)),
      readyTimeoutMs,
    );
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message);
    });
    exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} ${args.join(' ')} exited before it was ready\n${output}`));
    });
  });
  child.on('message', (message) => {
    const waiter = message && pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${script}: ${message.error}`));
    else waiter.resolve(message);
  });
  return {
    ready,
    request(message) {
      if (exited) return Promise.reject(new Error(`${script} is not running\n${output}`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, ...message });
      });
    },
    async stop(graceMs = 10_000) {
      if (exited) return;
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/** For a child: reply to the orchestrator and let the process end by itself. */
export function reply(result) {
  process.send(result, () => process.disconnect());
}
