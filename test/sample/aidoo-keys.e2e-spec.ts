// The sample app as ai.doo's Hub (issuer aidoo.biz, key_store = "database"): the page's claim
// table for issuer-bound keys, and a forgiving paste (issue 19).
import { LicenseTestKit } from '@liberty/license/testing';
import { sampleToml, SampleApp, unique } from './sample-fixture.js';
import { aidooKey } from '../support/keys.js';
import { specTimeout } from '../support/suite.js';

specTimeout(60_000);

describe('aidoo-keys', () => {
  let kit: LicenseTestKit;
  let sample: SampleApp;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    const keyVar = unique('LIBERTY_HUB_KEY');
    const toml = sampleToml({ keyVar, enforcement: 'soft', audience: null, issuer: 'aidoo.biz', keyStore: 'database' });
    sample = await SampleApp.start(kit, { keyVar, toml });
  });
  afterAll(() => sample?.close());

  const activate = (token: string) => sample.call('post', '/api/license/activate', { body: { token } });

  describe('ai.doo claims ("License tier — professional or enterprise"; "Issuer — always aidoo.biz")', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['tier gold', { tier: 'gold' }, 'invalid claims (tier: must be professional or enterprise)'],
      ['no tier', { tier: undefined }, 'invalid claims (tier: must be professional or enterprise)'],
      ['no sub', { sub: undefined }, 'invalid claims (sub: the customer identifier is required)'],
      ['no products', { products: undefined }, 'invalid claims (products: the licensed products are required)'],
      [
        'no seats',
        { seats: undefined },
        'invalid claims (seats: the maximum number of enabled user accounts is required)',
      ],
    ])('%s is refused with its reason', async (_name, overrides, reason) => {
      const response = await activate(await aidooKey(kit, overrides));
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ code: 'LICENSE_REJECTED', reason });
      expect((await sample.get('/api/license')).body.status).toBe('not-configured');
    });

    it.each(['professional', 'enterprise'])(
      'tier %s is accepted; the License tab shows products, customer id and tier',
      async (tier) => {
        const response = await activate(await aidooKey(kit, { tier }));
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          status: 'accepted',
          customer: 'Acme Corp',
          customerId: 'cust-42',
          tier,
          edition: tier,
          products: ['pika', 'vera'],
          users: { max: 10 },
        });
        await sample.call('delete', '/api/license/activation');
      },
    );
  });

  describe('forgiving paste: "You paste it into Hub\'s admin panel"', () => {
    it.each<[string, (key: string) => string]>([
      ['wrapped at 76 columns (as mail clients send it)', (key) => key.match(/.{1,76}/g)!.join('\r\n')],
      ['in double quotes', (key) => `"${key}"`],
      ['with a Bearer prefix', (key) => `Bearer ${key}`],
      ['quoted, wrapped and indented', (key) => `'${key.match(/.{1,64}/g)!.join('\n   ')}'`],
    ])('a key %s is activated', async (_name, wrap) => {
      const key = await aidooKey(kit);
      const response = await activate(wrap(key));
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('accepted');
      expect(response.text).not.toContain(key.slice(0, 40));
      await sample.call('delete', '/api/license/activation');
    });

    it('cleaning never makes a bad key good: a tampered key in quotes is still "signature invalid"', async () => {
      const [h, p, s] = (await aidooKey(kit)).split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, seats: 1000 })).toString('base64url')}.${s}`;
      const response = await activate(`"${tampered}"`);
      expect(response.body).toMatchObject({ code: 'LICENSE_REJECTED', reason: 'signature invalid' });
    });
  });
});
