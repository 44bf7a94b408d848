import { LicenseTestKit } from '@liberty/license/testing';
import { io, type Socket } from 'socket.io-client';
import { claims, expectNoKeyIn, issue, SampleApp } from './sample-fixture.js';
import { specTimeout } from '../support/suite.js';

// The sample app's GraphQL endpoint, Socket.IO gateway, /health (Terminus) and /metrics
// (Prometheus), driven by real clients. Slow on a loaded 2-core machine; never a speed check.
specTimeout(90_000);

describe('contexts-and-operations', () => {
  const DAY = 86_400;
  const SAP_TABLES = [
    { name: 'MARA', description: 'General material data' },
    { name: 'KNA1', description: 'Customer master' },
  ];
  const LOCKED = (licenseStatus: string, reason: string | null) => ({
    statusCode: 403,
    code: 'LICENSE_REQUIRED',
    feature: 'connector:sap',
    message: 'Locked — requires license connector:sap',
    licenseStatus,
    reason,
  });

  let kit: LicenseTestKit;
  let sapKey: string;
  let expiredKey: string;
  let exp: number;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    exp = Math.floor(Date.now() / 1000) + 45 * DAY;
    sapKey = await issue(kit, {
      claims: claims(
        { connectors: ['sap'], users: { max: 5 }, ai: { providers: ['anthropic'], messagesPerDay: 50 } },
        { exp },
      ),
    });
    const past = Math.floor(Date.now() / 1000) - 2 * DAY;
    expiredKey = await issue(kit, {
      claims: claims({ connectors: ['sap'] }, { iat: past - DAY, nbf: past - DAY, exp: past }),
    });
  });

  async function graphql(sample: SampleApp, query: string, token: string | null = sample.adminToken) {
    const response = await fetch(`${sample.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    expectNoKeyIn(text);
    return {
      status: response.status,
      body: JSON.parse(text) as { data?: unknown; errors?: Array<Record<string, unknown>> },
    };
  }

  async function connect(sample: SampleApp, token: string | null = sample.adminToken): Promise<Socket> {
    const socket = io(sample.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: token ? { token } : {},
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  function call(socket: Socket, event: string): Promise<{ ack?: unknown; exception?: unknown }> {
    return new Promise((resolve) => {
      const onException = (exception: unknown) => {
        expectNoKeyIn(JSON.stringify(exception));
        resolve({ exception });
      };
      socket.once('exception', onException);
      socket.emit(event, {}, (ack: unknown) => {
        socket.off('exception', onException);
        expectNoKeyIn(JSON.stringify(ack));
        resolve({ ack });
      });
    });
  }

  function parseExposition(text: string): Map<string, number> {
    const samples = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const at = line.lastIndexOf(' ');
      samples.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    return samples;
  }

  describe.each([
    ['accepted (sap granted)', () => ({ token: sapKey }), null],
    ['not configured', () => ({}), LOCKED('not-configured', null)],
    ['expired', () => ({ token: expiredKey }), 'expired'],
  ] as const)('%s, restricted', (_name, options, locked) => {
    let sample: SampleApp;
    let socket: Socket | undefined;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, options());
    });
    afterAll(async () => {
      socket?.disconnect();
      await sample.close();
    });

    it('GraphQL: sapTables answers data, or LICENSE_REQUIRED with the exact shape', async () => {
      const { status, body } = await graphql(sample, '{ sapTables { name description } licenseStatus }');
      expect(status).toBe(200);
      if (locked === null) {
        expect(body).toEqual({ data: { sapTables: SAP_TABLES, licenseStatus: 'accepted' } });
        return;
      }
      const licenseStatus = locked === 'expired' ? 'rejected' : 'not-configured';
      expect(body).toEqual({
        data: null,
        errors: [
          {
            message: 'Locked — requires license connector:sap',
            locations: [{ line: 1, column: 3 }],
            path: ['sapTables'],
            extensions: {
              code: 'LICENSE_REQUIRED',
              feature: 'connector:sap',
              licenseStatus,
              reason: locked === 'expired' ? expect.stringMatching(/^expired \(\d{4}-\d\d-\d\d\)$/) : null,
            },
          },
        ],
      });
      // The open query still answers.
      expect((await graphql(sample, '{ licenseStatus }')).body).toEqual({ data: { licenseStatus } });
    });

    it('Socket.IO: connectors.sap.tables acknowledges the tables, or the exception event carries the body', async () => {
      socket = await connect(sample);
      const outcome = await call(socket, 'connectors.sap.tables');
      if (locked === null) {
        expect(outcome).toEqual({ ack: SAP_TABLES });
      } else if (locked === 'expired') {
        expect(outcome).toEqual({
          exception: LOCKED('rejected', expect.stringMatching(/^expired \(/) as unknown as string),
        });
      } else {
        expect(outcome).toEqual({ exception: locked });
      }
    });

    it('/health: Terminus body, up, with the license details', async () => {
      const response = await sample.get('/health', null);
      expect(response.status).toBe(200);
      const license =
        locked === null
          ? {
              status: 'up',
              licenseStatus: 'accepted',
              reason: null,
              expiresAt: new Date(exp * 1000).toISOString().replace('.000', ''),
              daysLeft: 45,
            }
          : locked === 'expired'
            ? {
                status: 'up',
                licenseStatus: 'rejected',
                reason: expect.stringMatching(/^expired \(/),
                expiresAt: expect.any(String),
                daysLeft: -2,
              }
            : { status: 'up', licenseStatus: 'not-configured', reason: null, expiresAt: null, daysLeft: null };
      // The database indicator sits beside the license (DESIGN 5e: /health says when the database is down).
      const database = { status: 'up', kind: 'sqlite' };
      expect(response.body).toEqual({
        status: 'ok',
        info: { database, license },
        error: {},
        details: { database, license },
      });
    });
  });

  describe('soft enforcement, no key', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { enforcement: 'soft' });
    });
    afterAll(() => sample.close());

    it('GraphQL and Socket.IO let the licensed operation through', async () => {
      expect((await graphql(sample, '{ sapTables { name } }')).body).toEqual({
        data: { sapTables: [{ name: 'MARA' }, { name: 'KNA1' }] },
      });
      const socket = await connect(sample);
      try {
        expect(await call(socket, 'connectors.sap.tables')).toEqual({ ack: SAP_TABLES });
      } finally {
        socket.disconnect();
      }
    });
  });

  describe('authentication on the new transports', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: sapKey });
    });
    afterAll(() => sample.close());

    // Issue 20 (findings 5 and 11) changed both on purpose: GraphQL refuses the HTTP request before
    // executing anything (401, no data member), and Socket.IO refuses the handshake (no socket).
    it('GraphQL without a token: 401 UNAUTHENTICATED, nothing executed', async () => {
      const { status, body } = await graphql(sample, '{ sapTables { name } }', null);
      expect(status).toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('Socket.IO without a token: the handshake is refused with 401 (connect_error data)', async () => {
      const refused = await connect(sample, null).then(
        (socket) => {
          socket.disconnect();
          return undefined;
        },
        (error: { data?: unknown }) => error.data,
      );
      expect(refused).toEqual({
        statusCode: 401,
        code: 'UNAUTHORIZED',
        message: 'Authentication required: send "Authorization: Bearer <token>" or sign in',
      });
    });
  });

  describe('/metrics', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: sapKey });
    });
    afterAll(() => sample.close());

    it('needs metrics:read: 401 without a token, 403 without the permission', async () => {
      expect((await sample.get('/metrics', null)).status).toBe(401);
      const reader = await sample.user(['license:read'], 'reader');
      const denied = await sample.get('/metrics', reader.token);
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ code: 'PERMISSION_REQUIRED', permission: 'metrics:read' });
    });

    it('serves every metric with the license values; seats and AI usage follow the app; a re-verification is counted', async () => {
      const scraper = await sample.user(['metrics:read'], 'prometheus');
      const scrape = async () => {
        const response = await sample.get('/metrics', scraper.token);
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        return parseExposition(response.text);
      };
      let samples = await scrape();
      const users = samples.get('liberty_license_seats_used')!;
      expect(Object.fromEntries(samples)).toEqual({
        liberty_license_valid: 1,
        liberty_license_expiry_timestamp_seconds: exp,
        'liberty_license_info{status="accepted",customer="Acme Corp",edition="enterprise"}': 1,
        liberty_license_seats_limit: 5,
        liberty_license_seats_used: users,
        liberty_ai_messages_used: 0,
        liberty_ai_messages_limit: 50,
        'liberty_license_verifications_total{result="accepted"}': 1,
      });
      expect(users).toBeGreaterThanOrEqual(2); // admin, the reader of the previous test, the scraper

      await sample.user([], 'one-more');
      expect(
        (await sample.call('post', '/api/ai/messages', { body: { provider: 'anthropic', message: 'hello' } })).status,
      ).toBeLessThan(300);
      expect((await sample.call('post', '/api/license/reverify')).status).toBeLessThan(300);
      samples = await scrape();
      expect(samples.get('liberty_license_seats_used')).toBe(users + 1);
      expect(samples.get('liberty_ai_messages_used')).toBe(1);
      expect(samples.get('liberty_license_verifications_total{result="accepted"}')).toBe(2);
    });
  });
});
