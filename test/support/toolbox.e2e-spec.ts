// The toolbox's own behaviour: the port helpers never hand out a port that is taken, and `until`
// returns what it waited for, names it when it times out, and keeps real time under a fake clock.
import { jest } from '@jest/globals';
import { connect, createServer, type Server } from 'node:net';
import { until } from './poll.js';
import { closedPort, isAddressInUse, listenOnFreePort } from './ports.js';
import { sampleToml } from './sample-config.js';

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('ports', () => {
  it('closedPort(): nothing listens there (a connection is refused)', async () => {
    const port = await closedPort();
    const refused = await new Promise<string>((resolve) => {
      const client = connect(port, '127.0.0.1');
      client.once('connect', () => (client.destroy(), resolve('connected')));
      client.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('listenOnFreePort(): a port taken between the check and the bind is tried again on a new one', async () => {
    const tried: number[] = [];
    let squatter: Server | undefined;
    const server = await listenOnFreePort(async (port) => {
      tried.push(port);
      // The race, made certain: another process binds the port first.
      if (tried.length === 1) squatter = await listen(port);
      return listen(port);
    });
    try {
      expect(tried).toHaveLength(2);
      expect(tried[1]).not.toBe(tried[0]);
      expect((server.address() as { port: number }).port).toBe(tried[1]);
    } finally {
      await close(server);
      if (squatter) await close(squatter);
    }
  });

  it('listenOnFreePort(): any other failure is not retried; EADDRINUSE at every attempt gives up', async () => {
    let calls = 0;
    await expect(
      listenOnFreePort(async () => {
        calls++;
        throw new Error('config broken');
      }),
    ).rejects.toThrow('config broken');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      listenOnFreePort(async () => {
        calls++;
        throw new Error('Failed listening: bind: Address already in use');
      }, 3),
    ).rejects.toThrow('Address already in use');
    expect(calls).toBe(3);
    expect(isAddressInUse(Object.assign(new Error('x'), { code: 'EADDRINUSE' }))).toBe(true);
    expect(isAddressInUse(new Error('ECONNREFUSED'))).toBe(false);
  });
});

describe('until(what, probe, { timeoutMs })', () => {
  it('returns the first truthy value the probe gives', async () => {
    let n = 0;
    expect(await until('the third probe', () => ++n >= 3 && `probe ${n}`)).toBe('probe 3');
  });

  it('times out naming what it waited for, and the last error when errors are ignored', async () => {
    await expect(until('the impossible', () => false, { timeoutMs: 100 })).rejects.toThrow(
      'timed out waiting for the impossible after 100 ms',
    );
    await expect(
      until(
        'a server',
        () => {
          throw new Error('ECONNREFUSED');
        },
        { timeoutMs: 100, ignoreErrors: true },
      ),
    ).rejects.toThrow('timed out waiting for a server after 100 ms (last error: ECONNREFUSED)');
  });

  it('a probe that throws fails at once unless errors are ignored', async () => {
    const started = performance.now();
    await expect(
      until(
        'x',
        () => {
          throw new Error('broken probe');
        },
        { timeoutMs: 60_000 },
      ),
    ).rejects.toThrow('broken probe');
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('polls in real time under a fake clock (no fake timer to advance)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance'] });
    try {
      let n = 0;
      expect(await until('two probes', () => ++n >= 2, { timeoutMs: 30_000 })).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('sampleToml()', () => {
  it('the options as [license] lines; the full catalogue unless narrowed; an unknown id refused', () => {
    const toml = sampleToml({
      keyVar: 'K',
      enforcement: 'soft',
      audience: null,
      issuer: 'aidoo.biz',
      keyStore: 'database',
      pollMs: 0,
      license: 'grace_days = 7',
      connectors: ['postgres', 'sap'],
      apps: [],
    });
    expect(toml).toBe(`# Test config
[license]
license_key = "\${K}"
public_key_path = "public.pem"
enforcement = "soft"
issuer = "aidoo.biz"
key_store = "database"
key_file_poll_interval_ms = 0
grace_days = 7

[[connectors]]
id = "postgres"
name = "PostgreSQL"
licensed = false

[[connectors]]
id = "sap"
name = "SAP S/4HANA"
licensed = true

`);
    expect(sampleToml({ keyVar: 'K' })).toContain('audience = "liberty"\n\n[[connectors]]');
    expect(sampleToml({ keyVar: 'K' }).match(/\[\[(connectors|apps)\]\]/g)).toHaveLength(7);
    expect(() => sampleToml({ keyVar: 'K', connectors: ['oracle'] })).toThrow('no connectors oracle');
  });
});
