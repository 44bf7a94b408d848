import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, SampleApp } from './sample-fixture.js';

// AI messages: daily (UTC) cap with Retry-After, licensed providers only.

const secondsToUtcMidnight = () => {
  const now = new Date();
  return (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
};

describe('AI usage', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  describe('3 messages a day, anthropic only', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      const token = await issue(kit, { claims: claims({ ai: { providers: ['anthropic'], messagesPerDay: 3 } }) });
      sample = await SampleApp.start(kit, { token });
    });
    afterAll(() => sample.close());

    const send = (provider: string, message = 'hello') =>
      sample.call('post', '/api/ai/messages', { body: { provider, message } });

    it('403 AI_PROVIDER_NOT_LICENSED for a provider the key does not list (nothing counted)', async () => {
      const response = await send('openai');
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        statusCode: 403,
        code: 'AI_PROVIDER_NOT_LICENSED',
        provider: 'openai',
        message: 'AI provider "openai" is not licensed (licensed: anthropic)',
      });
      expect((await sample.get('/api/license')).body.ai.usedToday).toBe(0);
    });

    it('counts up to the cap, then 429 with Retry-After until UTC midnight', async () => {
      for (let i = 1; i <= 3; i++) {
        const response = await send('anthropic');
        expect(response.status).toBe(200);
        expect(response.body.usage).toEqual({ usedToday: i, messagesPerDay: 3 });
      }
      const limited = await send('anthropic');
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ statusCode: 429, code: 'AI_MESSAGE_LIMIT_REACHED', limit: 3 });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(Math.abs(retryAfter - secondsToUtcMidnight())).toBeLessThanOrEqual(5);
      expect(limited.body.retryAfterSeconds).toBe(retryAfter);
      expect((await sample.get('/api/license')).body.ai).toEqual({
        providers: ['anthropic'],
        messagesPerDay: 3,
        usedToday: 3,
      });
    });

    it('400 for a bad message body', async () => {
      expect((await sample.call('post', '/api/ai/messages', { body: { provider: 'anthropic' } })).status).toBe(400);
      expect(
        (await sample.call('post', '/api/ai/messages', { body: { provider: '../x', message: 'hi' } })).status,
      ).toBe(400);
    });
  });

  it('concurrent messages never exceed the cap', async () => {
    const token = await issue(kit, { claims: claims({ ai: { providers: ['anthropic'], messagesPerDay: 5 } }) });
    const sample = await SampleApp.start(kit, { token });
    try {
      const responses = await Promise.all(
        Array.from({ length: 25 }, () =>
          sample.call('post', '/api/ai/messages', { body: { provider: 'anthropic', message: 'x' } }),
        ),
      );
      expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
      expect(responses.filter((r) => r.status === 429)).toHaveLength(20);
      expect((await sample.get('/api/license')).body.ai.usedToday).toBe(5);
    } finally {
      await sample.close();
    }
  });
});
