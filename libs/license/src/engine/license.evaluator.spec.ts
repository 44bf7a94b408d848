import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { CapturingLogger } from '../../../../test/library/support/capturing-logger.js';
import { MutableEnvironment } from '../../../../test/library/support/mutable-environment.js';
import { LicenseKeySource } from '../key-stores/license-key.source.js';
import { LicenseEvaluator } from './license.evaluator.js';
import type { LicenseModuleOptions, ResolvedLicenseOptions } from '../interfaces/license-options.interface.js';
import { resolveLicenseOptions } from '../options/license-options.resolver.js';
import { LicenseTestKit } from '../testing/license.test-kit.js';

// RSA key generation is slow on a loaded 2-core machine; never a speed check.
jest.setTimeout(30_000);

const DAY_MS = 86_400_000;
let kit: LicenseTestKit;
let other: LicenseTestKit;
let logger: CapturingLogger;

beforeAll(async () => {
  [kit, other] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
});

beforeEach(() => {
  logger = new CapturingLogger();
  Logger.overrideLogger(logger);
});

afterAll(() => {
  Logger.overrideLogger(new ConsoleLogger());
});

/** An evaluator over an in-memory environment; `configure()` changes its options as reconfigure() does. */
function evaluatorWith(key?: string, options: Partial<LicenseModuleOptions> = {}) {
  const env = new MutableEnvironment({ LL_EVAL_KEY: key });
  let resolved: ResolvedLicenseOptions = resolveLicenseOptions({
    audience: 'liberty',
    publicKey: kit.publicKey,
    licenseKey: '${LL_EVAL_KEY}',
    ...options,
  });
  const keys = new LicenseKeySource(env, undefined, resolved.licenseKey);
  const evaluator = new LicenseEvaluator(
    () => resolved,
    env,
    keys,
    () => undefined,
  );
  const configure = (next: Partial<LicenseModuleOptions>) => {
    resolved = resolveLicenseOptions({
      audience: 'liberty',
      publicKey: kit.publicKey,
      licenseKey: '${LL_EVAL_KEY}',
      ...next,
    });
  };
  return { evaluator, env, configure };
}

describe('LicenseEvaluator', () => {
  it('without a key: not-configured, and no key identity', async () => {
    const { evaluator } = evaluatorWith();
    const { state, key } = await evaluator.evaluate(new Date());
    expect(state.status).toBe('not-configured');
    expect(key).toBe('');
  });

  it('identifies an accepted key by a hash that neither contains nor reveals it', async () => {
    const token = await kit.issue();
    const { evaluator } = evaluatorWith(token);
    const first = await evaluator.evaluate(new Date());
    const again = await evaluator.evaluate(new Date());
    expect(first.state.status).toBe('accepted');
    expect(first.key).toMatch(/^[\w-]{43}$/);
    expect(again.key).toBe(first.key);
    for (const part of token.split('.')) expect(first.key).not.toContain(part);
  });

  it('follows a changed public key (the parsed-key cache is keyed by the PEM text)', async () => {
    const { evaluator, configure } = evaluatorWith(await kit.issue());
    expect((await evaluator.evaluate(new Date())).state.status).toBe('accepted');
    configure({ publicKey: other.publicKey });
    expect((await evaluator.evaluate(new Date())).state).toMatchObject({
      status: 'rejected',
      reason: 'signature invalid',
    });
    configure({});
    expect((await evaluator.evaluate(new Date())).state.status).toBe('accepted');
  });

  it('keeps a key it accepted later through a clock set back behind its start, with a warning', async () => {
    const { evaluator } = evaluatorWith(await kit.issue());
    const now = Date.now();
    expect((await evaluator.evaluate(new Date(now))).state.status).toBe('accepted');
    const { state } = await evaluator.evaluate(new Date(now - 2 * DAY_MS));
    expect(state.status).toBe('accepted');
    expect(state.warnings).toEqual([
      'wall clock moved back 172800 s behind the last verification',
      expect.stringMatching(/^wall clock is before the key's start \(not yet valid \(/),
    ]);
    expect(logger.linesOf('liberty.licensing').map(([level]) => level)).toEqual(['warn', 'warn']);
  });

  it('does not keep a new key that is not yet valid', async () => {
    const { evaluator, env } = evaluatorWith(await kit.issue());
    expect((await evaluator.evaluate(new Date())).state.status).toBe('accepted');
    const future = Math.floor(Date.now() / 1000) + 2 * 86_400;
    env.set('LL_EVAL_KEY', await kit.issue({ claims: { iat: future, nbf: future } }));
    const { state } = await evaluator.evaluate(new Date());
    expect(state.status).toBe('rejected');
    expect(state.reason).toMatch(/^not yet valid \(/);
  });

  it('reports a wall clock set back once per jump', () => {
    const { evaluator } = evaluatorWith();
    const now = Date.now();
    expect(evaluator.clockWarnings(new Date(now))).toEqual([]);
    expect(evaluator.clockWarnings(new Date(now - 600_000))).toEqual([
      'wall clock moved back 600 s behind the last verification',
    ]);
    expect(evaluator.clockWarnings(new Date(now - 599_000))).toEqual([]);
    expect(evaluator.clockWarnings(new Date(now - 30_000))).toEqual([]); // within the 60 s tolerance
  });

  it('an unreadable key file is not-configured with the reason as a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'evaluator-'));
    try {
      const { evaluator, env } = evaluatorWith();
      env.set('LL_EVAL_KEY_FILE', join(dir, 'missing.jwt'));
      const { state, key } = await evaluator.evaluate(new Date());
      expect(state.status).toBe('not-configured');
      expect(state.source).toBe('LL_EVAL_KEY_FILE');
      expect(state.warnings).toHaveLength(1);
      expect(key).toBe('');
      evaluator.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
