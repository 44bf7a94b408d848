import { Test } from '@nestjs/testing';
import { LicenseTestKit } from '../testing/index.js';
import {
  AiMessageLimitReachedException,
  AiProviderNotLicensedException,
  UsageStoreUnavailableException,
} from './ai-usage.exceptions.js';
import { AiUsageLimiter, secondsUntilUtcMidnight, utcDay } from './ai-usage.limiter.js';
import { InMemoryUsageStore } from './in-memory-usage.store.js';
import { USAGE_STORE, type UsageStore } from './usage-store.interface.js';

const ai = (providers: string[], messagesPerDay?: number) => ({ features: { ai: { providers, messagesPerDay } } });

async function limiterWith(kit: LicenseTestKit, options: Parameters<LicenseTestKit['module']>[0], store?: UsageStore) {
  const moduleRef = await Test.createTestingModule({
    imports: [await kit.module(options)],
    providers: [AiUsageLimiter, ...(store ? [{ provide: USAGE_STORE, useValue: store }] : [])],
  }).compile();
  return { limiter: moduleRef.get(AiUsageLimiter), close: () => moduleRef.close() };
}

describe('AiUsageLimiter', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  it('counts messages up to messagesPerDay, then 429 AI_MESSAGE_LIMIT_REACHED without counting', async () => {
    const { limiter, close } = await limiterWith(kit, { claims: ai(['anthropic'], 2) });
    await expect(limiter.consume('anthropic')).resolves.toEqual({ provider: 'anthropic', usedToday: 1, limit: 2 });
    await expect(limiter.consume('anthropic')).resolves.toEqual({ provider: 'anthropic', usedToday: 2, limit: 2 });
    const error = await limiter.consume('anthropic').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiMessageLimitReachedException);
    expect((error as AiMessageLimitReachedException).getStatus()).toBe(429);
    expect((error as AiMessageLimitReachedException).getResponse()).toMatchObject({
      code: 'AI_MESSAGE_LIMIT_REACHED',
      limit: 2,
    });
    await expect(limiter.usedToday()).resolves.toBe(2);
    await close();
  });

  it('sets retryAfterSeconds to the time left until 00:00 UTC', async () => {
    const { limiter, close } = await limiterWith(kit, { claims: ai(['anthropic'], 1) });
    const now = new Date('2030-03-04T23:59:30.250Z');
    await limiter.consume('anthropic', now);
    const error = (await limiter.consume('anthropic', now).catch((e: unknown) => e)) as AiMessageLimitReachedException;
    expect(error.retryAfterSeconds).toBe(30);
    await close();
  });

  it('starts a new count on the next UTC day', async () => {
    const { limiter, close } = await limiterWith(kit, { claims: ai(['anthropic'], 1) });
    await limiter.consume('anthropic', new Date('2030-03-04T23:59:59Z'));
    await expect(limiter.consume('anthropic', new Date('2030-03-05T00:00:00Z'))).resolves.toMatchObject({
      usedToday: 1,
    });
    await expect(limiter.usedToday(new Date('2030-03-05T12:00:00Z'))).resolves.toBe(1);
    await close();
  });

  it('never exceeds the cap under concurrent messages', async () => {
    const { limiter, close } = await limiterWith(kit, { claims: ai(['anthropic'], 7) });
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => limiter.consume('anthropic')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    await expect(limiter.usedToday()).resolves.toBe(7);
    await close();
  });

  it('answers 403 AI_PROVIDER_NOT_LICENSED for a provider the key does not list, and counts nothing', async () => {
    const { limiter, close } = await limiterWith(kit, { claims: ai(['anthropic'], 5) });
    const error = await limiter.consume('openai').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiProviderNotLicensedException);
    expect((error as AiProviderNotLicensedException).getResponse()).toMatchObject({
      statusCode: 403,
      code: 'AI_PROVIDER_NOT_LICENSED',
      provider: 'openai',
    });
    await expect(limiter.usedToday()).resolves.toBe(0);
    await close();
  });

  it('refuses every provider without a key in restricted mode, allows any in soft mode', async () => {
    const restricted = await limiterWith(kit, { state: 'not-configured' });
    await expect(restricted.limiter.consume('anthropic')).rejects.toBeInstanceOf(AiProviderNotLicensedException);
    await restricted.close();
    const soft = await limiterWith(kit, { state: 'not-configured', enforcement: 'soft' });
    await expect(soft.limiter.consume('anything')).resolves.toEqual({
      provider: 'anything',
      usedToday: 1,
      limit: null,
    });
    await soft.close();
  });

  it('keeps the daily cap in soft mode when the key sets one', async () => {
    const { limiter, close } = await limiterWith(kit, { claims: ai(['anthropic'], 1), enforcement: 'soft' });
    await limiter.consume('openai');
    await expect(limiter.consume('openai')).rejects.toBeInstanceOf(AiMessageLimitReachedException);
    await close();
  });

  it('uses the store provided under USAGE_STORE', async () => {
    const store = new InMemoryUsageStore();
    store.increment(utcDay(new Date()), 4);
    const { limiter, close } = await limiterWith(kit, { claims: ai(['anthropic'], 5) }, store);
    await expect(limiter.usedToday()).resolves.toBe(4);
    await limiter.consume('anthropic');
    await expect(limiter.consume('anthropic')).rejects.toBeInstanceOf(AiMessageLimitReachedException);
    expect(store.get(utcDay(new Date()))).toBe(5);
    await close();
  });
});

describe('InMemoryUsageStore', () => {
  it('keeps the latest day only and never goes below zero', () => {
    const store = new InMemoryUsageStore();
    expect(store.increment('2030-01-01', 3)).toBe(3);
    expect(store.increment('2030-01-02', 1)).toBe(1);
    expect(store.get('2030-01-01')).toBe(0);
    expect(store.increment('2030-01-02', -5)).toBe(0);
  });
});

describe('secondsUntilUtcMidnight', () => {
  it.each([
    ['2030-01-01T00:00:00Z', 86_400],
    ['2030-01-01T23:00:00Z', 3_600],
    ['2030-12-31T23:59:59.900Z', 1],
  ])('%s → %i', (iso, seconds) => {
    expect(secondsUntilUtcMidnight(new Date(iso))).toBe(seconds);
  });
});

describe('AiUsageLimiter with shared stores', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  it('uses incrementBelow when the store has it: one call per message, nothing counted at the cap', async () => {
    const calls: string[] = [];
    let count = 0;
    const store: UsageStore = {
      increment: () => {
        calls.push('increment');
        return ++count;
      },
      get: () => count,
      incrementBelow: (_day, limit) => {
        calls.push(`below ${limit}`);
        return count < limit ? ++count : null;
      },
    };
    const { limiter, close } = await limiterWith(kit, { claims: ai(['anthropic'], 2) }, store);
    await limiter.consume('anthropic');
    await limiter.consume('anthropic');
    await expect(limiter.consume('anthropic')).rejects.toBeInstanceOf(AiMessageLimitReachedException);
    expect(calls).toEqual(['below 2', 'below 2', 'below 2']);
    expect(count).toBe(2);
    await close();
  });

  it('a store that fails answers 503 USAGE_STORE_UNAVAILABLE, for both forms', async () => {
    const failing: UsageStore = {
      increment: () => Promise.reject(new Error('connect ECONNREFUSED')),
      get: () => Promise.reject(new Error('connect ECONNREFUSED')),
      incrementBelow: () => Promise.reject(new Error('Redis is not connected')),
    };
    for (const [store, why] of [
      [failing, 'Redis is not connected'],
      [{ ...failing, incrementBelow: undefined }, 'connect ECONNREFUSED'],
    ] as const) {
      const { limiter, close } = await limiterWith(kit, { claims: ai(['anthropic'], 5) }, store);
      const error = (await limiter.consume('anthropic').catch((e: unknown) => e)) as UsageStoreUnavailableException;
      expect(error).toBeInstanceOf(UsageStoreUnavailableException);
      expect(error.getStatus()).toBe(503);
      expect(error.getResponse()).toMatchObject({
        statusCode: 503,
        code: 'USAGE_STORE_UNAVAILABLE',
        message: expect.stringContaining(why),
      });
      await close();
    }
  });
});
