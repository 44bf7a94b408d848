// Ports for the servers and apps the tests start. Plain JavaScript (with ports.d.ts) because the
// benchmarks share it through servers.js and run without a TypeScript loader.
//
// The race: "bind port 0, read the port, close, hand the number to a child" lets another process
// (another suite, another helper's run) take the port between the close and the child's bind. So:
// * a server we start ourselves listens on port 0 and reports its port (the sample and satellite
//   apps log "listening on http://localhost:<port>"; see apps.ts);
// * a server that cannot bind port 0 and report it (redis-server, PostgreSQL, a Nest TCP
//   microservice, an app without a "listening on" line) starts through `listenOnFreePort()`,
//   which tries again on a new port when the bind fails with EADDRINUSE;
// * `closedPort()` is only for "nothing listens there" (connection refused): taken meanwhile, the
//   test fails loudly, it never passes by accident.
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 nothing listens on at this moment (bound, read, released). */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether `error` says the port was taken (a Node error code, or a server's log line). */
export function isAddressInUse(error) {
  return error?.code === 'EADDRINUSE' || /EADDRINUSE|Address already in use/.test(String(error?.message ?? error));
}

/**
 * `start(port)` on a port that was free a moment ago; when another process took it first (the
 * start rejects with EADDRINUSE, see `isAddressInUse`), again on a new port, `attempts` times.
 */
export async function listenOnFreePort(start, attempts = 5) {
  for (let attempt = 1; ; attempt++) {
    const port = await closedPort();
    try {
      return await start(port);
    } catch (error) {
      if (attempt >= attempts || !isAddressInUse(error)) throw error;
    }
  }
}
