import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, SampleApp } from './sample-fixture.js';

// Seats: enabled users against features.users.max (the built-in admin takes one).

describe('seats', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  describe('cap of 3', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: await issue(kit, { claims: claims({ users: { max: 3 } }) }) });
    });
    afterAll(() => sample.close());

    const create = (body: unknown) => sample.call('post', '/api/users', { body });
    const patch = (id: string, body: unknown) => sample.call('patch', `/api/users/${id}`, { body });

    it('creates users up to the cap, then answers 402 SEAT_LIMIT_REACHED and creates nothing', async () => {
      const first = await create({ name: 'Ada', permissions: ['license:read'] });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.any(String),
        name: 'Ada',
        permissions: ['license:read'],
        enabled: true,
        token: expect.any(String),
      });
      expect((await sample.get('/api/me', first.body.token)).body.name).toBe('Ada');
      expect((await create({ name: 'Bob', permissions: [] })).status).toBe(201);

      const refused = await create({ name: 'Carol', permissions: [] });
      expect(refused.status).toBe(402);
      expect(refused.body).toEqual({
        statusCode: 402,
        code: 'SEAT_LIMIT_REACHED',
        message: expect.stringContaining('3'),
        max: 3,
        count: 3,
      });
      const users = (await sample.get('/api/users')).body as Array<{ name: string; token?: string }>;
      expect(users.map((u) => u.name)).toEqual(['admin', 'Ada', 'Bob']);
      expect(users.every((u) => u.token === undefined)).toBe(true);
      expect((await sample.get('/api/license')).body.users).toEqual({ count: 3, max: 3, percent: 100, level: 'full' });
      expect((await sample.get('/api/me', first.body.token)).status).toBe(200);
    });

    it('disabled users take no seat; re-enabling beyond the cap is 402; disabling frees a seat', async () => {
      const disabled = await create({ name: 'Dora', permissions: [], enabled: false });
      expect(disabled.status).toBe(201);
      expect(disabled.body.enabled).toBe(false);
      const reEnable = await patch(disabled.body.id, { enabled: true });
      expect(reEnable.status).toBe(402);
      expect(reEnable.body).toMatchObject({ code: 'SEAT_LIMIT_REACHED', max: 3, count: 3 });
      expect((await sample.get('/api/me', disabled.body.token)).status).toBe(401);

      const users = (await sample.get('/api/users')).body as Array<{ id: string; name: string }>;
      const bob = users.find((u) => u.name === 'Bob')!;
      expect((await patch(bob.id, { enabled: false })).body.enabled).toBe(false);
      expect((await sample.get('/api/license')).body.users.count).toBe(2);
      const enabled = await patch(disabled.body.id, { enabled: true });
      expect(enabled.status).toBe(200);
      expect(enabled.body.enabled).toBe(true);
      expect((await sample.get('/api/me', disabled.body.token)).status).toBe(200);
      // Changing an enabled user's name or permissions takes no extra seat.
      expect((await patch(disabled.body.id, { name: 'Dora B', permissions: ['users:write'] })).status).toBe(200);
    });

    it('PATCH: 404 unknown user, 400 bad body, 400 for the built-in admin', async () => {
      expect((await patch('u999', { enabled: false })).status).toBe(404);
      const bad = await patch('admin', { permissions: ['root'] });
      expect(bad.status).toBe(400);
      expect(bad.body.message[0]).toContain('each permission must be one of');
      expect((await patch('admin', { enabled: false })).status).toBe(400);
      expect((await create({ name: '', permissions: [] })).status).toBe(400);
    });
  });

  it('50 concurrent creates at a cap of 20 never oversubscribe', async () => {
    const sample = await SampleApp.start(kit, { token: await issue(kit, { claims: claims({ users: { max: 20 } }) }) });
    try {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          sample.call('post', '/api/users', { body: { name: `user ${i}`, permissions: [] } }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(19);
      expect(statuses.filter((s) => s === 402)).toHaveLength(31);
      expect((await sample.get('/api/license')).body.users).toEqual({
        count: 20,
        max: 20,
        percent: 100,
        level: 'full',
      });
    } finally {
      await sample.close();
    }
  });

  it('a key without a cap, or no key: no seat limit', async () => {
    const sample = await SampleApp.start(kit);
    try {
      for (let i = 0; i < 5; i++) {
        expect((await sample.call('post', '/api/users', { body: { name: `u${i}`, permissions: [] } })).status).toBe(
          201,
        );
      }
      expect((await sample.get('/api/license')).body.users).toEqual({
        count: 6,
        max: null,
        percent: null,
        level: null,
      });
    } finally {
      await sample.close();
    }
  });
});
