import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, SampleApp } from './sample-fixture.js';

// ai.doo's page: "Disable or delete unused accounts to free seats". DELETE /api/users/:id (users:write).

const ALL = ['license:read', 'license:write', 'settings:framework', 'users:write', 'metrics:read'];

describe('DELETE /api/users/:id', () => {
  let kit: LicenseTestKit;
  let sample: SampleApp;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    sample = await SampleApp.start(kit, { token: await issue(kit, { claims: claims({ users: { max: 3 } }) }) });
  });
  afterAll(() => sample.close());

  const create = (body: unknown, token?: string) =>
    sample.call('post', '/api/users', { body, ...(token ? { token } : {}) });
  const remove = (id: string, token?: string) => sample.call('delete', `/api/users/${id}`, token ? { token } : {});

  it('"Disable or delete unused accounts to free seats": deleting frees the seat; the token and sessions stop working', async () => {
    const ada = await create({ name: 'Ada', permissions: ['license:read'] });
    const bob = await create({ name: 'Bob', permissions: [] });
    expect([ada.status, bob.status]).toEqual([201, 201]);
    expect((await create({ name: 'Carol', permissions: [] })).status).toBe(402);

    const signIn = await sample.call('post', '/api/session', { token: null, body: { token: ada.body.token } });
    expect(signIn.status).toBe(204);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0];
    expect((await sample.call('get', '/api/me', { token: null, cookie })).status).toBe(200);

    const deleted = await remove(ada.body.id);
    expect(deleted.status).toBe(204);
    expect((await sample.get('/api/users')).body.map((u: { name: string }) => u.name)).toEqual(['admin', 'Bob']);
    expect((await sample.get('/api/license')).body.users).toMatchObject({ count: 2, max: 3 });
    expect((await sample.get('/api/me', ada.body.token)).status).toBe(401);
    expect((await sample.call('get', '/api/me', { token: null, cookie })).status).toBe(401);
    // The freed seat can be taken.
    expect((await create({ name: 'Carol', permissions: [] })).status).toBe(201);
    // Deleting a disabled user works too (it held no seat).
    const dora = await sample.call('patch', `/api/users/${bob.body.id}`, { body: { enabled: false } });
    expect(dora.status).toBe(200);
    expect((await remove(bob.body.id)).status).toBe(204);
    expect((await remove(bob.body.id)).status).toBe(404);
  });

  it('the last admin cannot be deleted; the built-in admin stays; permissions rule deletes as they rule edits', async () => {
    const own = await remove('admin');
    expect(own.status).toBe(409);
    expect(own.body).toEqual({ statusCode: 409, code: 'LAST_ADMIN', message: 'The last admin cannot be deleted' });

    const users = (await sample.get('/api/users')).body as Array<{ id: string; name: string }>;
    for (const user of users.filter((u) => u.id !== 'admin')) expect((await remove(user.id)).status).toBe(204);
    const second = await create({ name: 'Second admin', permissions: ALL });
    expect(second.status).toBe(201);
    const builtIn = await remove('admin', second.body.token);
    expect(builtIn.status).toBe(400);
    expect(builtIn.body.message).toBe('The built-in admin user cannot be deleted (it comes from LIBERTY_ADMIN_TOKEN)');

    // Not the last admin any more: the second one may delete itself.
    const manager = await create({ name: 'Manager', permissions: ['users:write'] });
    expect((await remove(second.body.id, manager.body.token)).status).toBe(403); // holds more than the caller
    expect((await remove(manager.body.id)).status).toBe(204);
    const reader = await create({ name: 'Reader', permissions: ['license:read'] });
    expect(reader.status).toBe(201);
    expect((await remove(reader.body.id, reader.body.token)).status).toBe(403); // no users:write
    expect((await remove(second.body.id, second.body.token)).status).toBe(204);
    expect((await sample.get('/api/me', second.body.token)).status).toBe(401);
  });
});
