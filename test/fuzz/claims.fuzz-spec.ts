// Hostile claims: `validateLicenseClaims` and `verifyLicenseToken` (on keys signed by the TRUSTED
// key, so they reach claim validation) never throw, never pollute a prototype, and agree with the
// independent model of claims-model.ts: every valid claim set is accepted with exactly its known
// claims, every invalid one is rejected with a DESIGN.md section 4 reason.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { validateLicenseClaims, verifyLicenseToken, MAX_TOKEN_BYTES } from '@liberty/license/verify';
import {
  DAY,
  FuzzTally,
  NOW,
  NOW_SECONDS,
  PrototypeSentinel,
  anyCharacter,
  compactJws,
  createFuzzKeys,
  fuzzParameters,
  reasonKind,
  runsOf,
  timeoutFor,
  type FuzzKeys,
} from './fuzz-support.js';
import {
  MAX_NUMERIC_DATE,
  deeplyFrozen,
  keysBeyondSchema,
  modelClaims,
  modelVerdict,
  SCHEMA_KEYS,
  type VerdictContext,
} from './claims-model.js';

let keys: FuzzKeys;
const tally = new FuzzTally();
const sentinel = new PrototypeSentinel();

beforeAll(async () => {
  keys = await createFuzzKeys();
});

afterAll(() => {
  if (process.env.FUZZ_RUNS) process.stdout.write(`${tally.report('claims')}\n`);
});

// ---------------------------------------------------------------------------------------------
// JSON text generators. Claims are written as JSON TEXT, so a payload can carry what a JS object
// literal cannot: `__proto__` members, duplicate keys (the last wins), `-0`, `1e400`.

const json = (value: unknown) => JSON.stringify(value);
const object = (entries: Array<[string, string]>) => `{${entries.map(([k, v]) => `${json(k)}:${v}`).join(',')}}`;
const array = (items: string[]) => `[${items.join(',')}]`;

const DANGEROUS_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'length',
];

/** Text near the 200-character limit, as class-validator counts it (surrogate pairs count once). */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 16 }).map(json) },
  fc.string({ unit: anyCharacter, maxLength: 24 }).map(json),
  fc.constantFrom(0, 1, 199, 200, 201).map((n) => json('x'.repeat(n))),
  fc.constantFrom(199, 200, 201).map((n) => json('😀'.repeat(n))),
  fc.constantFrom(100, 101).map((n) => json('e\uFE0F'.repeat(n))),
  fc.constant(json('\ud800 lone surrogate')),
);

/** Numeric dates around NOW, the bounds, and the wrong kinds of number. */
const date = (center: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -400, max: 400 }).map((d) => String(center + d)) },
    fc.integer({ min: -2 * DAY, max: 2 * DAY }).map((d) => String(center + d)),
    fc.constantFrom(
      '0',
      '-0',
      '-1',
      String(MAX_NUMERIC_DATE),
      String(MAX_NUMERIC_DATE + 1),
      '9007199254740993',
      '1e400',
      '-1e400',
      `${center}.5`,
      `${center}e0`,
      json(String(center)),
      'null',
      'true',
      '[]',
      '{}',
    ),
  );

/** Counts (seats, users.max, messagesPerDay) around their bounds and of the wrong types. */
const count = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 10_000 }).map(String) },
  fc.constantFrom(
    '0',
    '-0',
    '-1',
    '1000000000',
    '1000000001',
    '1.5',
    '1e2',
    '1e400',
    '"10"',
    'null',
    'true',
    '[]',
    '{}',
  ),
);

const validId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/);
const badId = fc.constantFrom('', ' sap', 'sap ', '-sap', '.sap', 'a b', 'é', 'sap\n', 'x'.repeat(65), 'a/b', 'sap:1');

/** Id lists: valid, with one bad member, of the wrong type, or one over the size limit. */
const idList = (max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.array(validId, { maxLength: 5 }).map(json) },
    fc.tuple(fc.array(validId, { maxLength: 3 }), badId).map(([ids, bad]) => json([...ids, bad])),
    fc.constantFrom(max, max + 1).map((n) => json(Array.from({ length: n }, (_, i) => `a${i % 10}`))),
    fc.constantFrom('null', '"sap"', '{}', '[1]', '[null]', '[["sap"]]', '{"0":"sap","length":1}'),
  );

/** Any JSON value, nested, with dangerous keys. */
const anyJson: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    fc.constantFrom('null', 'true', 'false', '0', '-0', '1e400', '1.5', '""'),
    fc.double().map((d) => (Number.isFinite(d) ? json(d) : 'null')),
    fc.string({ unit: anyCharacter, maxLength: 12 }).map(json),
    fc.array(tie('value'), { maxLength: 4 }).map(array),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...DANGEROUS_KEYS), fc.string({ maxLength: 6 })), tie('value')), {
        maxLength: 4,
      })
      .map(object),
  ),
})).value;

/** Deep nesting and pollution payloads, within the 8 KiB a key may have. */
const nasty = fc.oneof(
  fc.integer({ min: 1, max: 1500 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: 700 }).map((n) => '{"a":'.repeat(n) + '0' + '}'.repeat(n)),
  fc.constantFrom(
    '{"__proto__":{"polluted":"yes","isAdmin":true,"customer":"pwned"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
    '[{"__proto__":{"polluted":"yes"}}]',
  ),
);

const hostile = fc.oneof({ weight: 3, arbitrary: anyJson }, nasty);

/** One member of `features.users` / `features.ai` / `features`, valid-ish or hostile. */
const usersText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(fc.tuple(fc.constant('max'), count), fc.tuple(fc.constantFrom(...DANGEROUS_KEYS), hostile)), {
        maxLength: 2,
      })
      .map(object),
  },
  hostile,
);
const aiText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.tuple(fc.constant('providers'), idList(64)),
          fc.tuple(fc.constant('messagesPerDay'), count),
          fc.tuple(fc.constantFrom(...DANGEROUS_KEYS), hostile),
        ),
        { maxLength: 3 },
      )
      .map(object),
  },
  hostile,
);
const featuresText = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.tuple(fc.constantFrom('connectors', 'apps'), idList(1000)),
          fc.tuple(fc.constant('users'), usersText),
          fc.tuple(fc.constant('ai'), aiText),
          fc.tuple(fc.constantFrom(...DANGEROUS_KEYS, 'premium'), hostile),
        ),
        { maxLength: 5 },
      )
      .map(object),
  },
  hostile,
);

/** A value for a claim, by name: mostly of the right shape, sometimes anything at all. */
function valueFor(key: string): fc.Arbitrary<string> {
  const byName: Record<string, fc.Arbitrary<string>> = {
    iss: fc.oneof(fc.constantFrom(json('test-vendor'), json('other'), json(['test-vendor']), 'null', '1'), text),
    aud: fc.constantFrom(
      json('liberty'),
      json(['liberty']),
      json(['ai-doo', 'liberty']),
      json(['liberty', 1]),
      json('other'),
      json([]),
      'null',
      json('x'.repeat(201)),
      json(['liberty', 'x'.repeat(201)]),
      json(Array.from({ length: 65 }, () => 'liberty')),
      json('😀'.repeat(100)),
    ),
    iat: date(NOW_SECONDS),
    nbf: date(NOW_SECONDS),
    exp: fc.oneof({ weight: 3, arbitrary: date(NOW_SECONDS + 30 * DAY) }, date(NOW_SECONDS)),
    customer: text,
    features: featuresText,
    products: idList(1000),
    seats: count,
  };
  const known = byName[key] ?? text;
  return fc.oneof({ weight: 5, arbitrary: known }, hostile);
}

/** Every claim name a verified key may yield (the model's schema, not a second list). */
const CLAIM_NAMES = SCHEMA_KEYS.top;

/** A valid key's claims, as [name, JSON text] members. */
const validMembers: fc.Arbitrary<Array<[string, string]>> = fc
  .record({
    customer: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ''),
    connectors: fc.array(validId, { maxLength: 4 }),
    seats: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  })
  .map(({ customer, connectors, seats }) => [
    ['iss', json('test-vendor')],
    ['aud', json('liberty')],
    ['sub', json('acme')],
    ['iat', String(NOW_SECONDS - DAY)],
    ['nbf', String(NOW_SECONDS - DAY)],
    ['exp', String(NOW_SECONDS + 300 * DAY)],
    ['customer', json(customer)],
    ['edition', json('enterprise')],
    [
      'features',
      json({
        connectors,
        apps: ['nomajde'],
        users: { max: 250 },
        ai: { providers: ['anthropic'], messagesPerDay: 5000 },
      }),
    ],
    ...(seats !== undefined ? ([['seats', String(seats)]] as Array<[string, string]>) : []),
  ]);

/** Claims as JSON text: a valid set, some members dropped, then overrides (duplicates win). */
const claimsText: fc.Arbitrary<string> = fc
  .tuple(
    validMembers,
    // One member in ten is dropped (0 means drop).
    fc.array(fc.nat({ max: 9 }), { minLength: 10, maxLength: 10 }),
    fc.array(
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constantFrom(...CLAIM_NAMES).chain((k) => valueFor(k).map((v): [string, string] => [k, v])),
        },
        fc.tuple(fc.constantFrom(...DANGEROUS_KEYS), hostile),
        fc.tuple(fc.string({ maxLength: 8 }), anyJson),
      ),
      { maxLength: 4 },
    ),
  )
  .map(([members, drop, overrides]) => object([...members.filter((_, i) => drop[i] !== 0), ...overrides]));

// ---------------------------------------------------------------------------------------------

describe('fuzz: hostile claims', () => {
  it('the pollution sentinel notices a planted or replaced prototype member', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const original = Object.prototype.valueOf;
    try {
      proto.polluted = 'yes';
      expect(() => sentinel.assertUntouched()).toThrow('Object.prototype.polluted was polluted');
      delete proto.polluted;
      (Object.prototype as { valueOf: unknown }).valueOf = () => 0;
      expect(() => sentinel.assertUntouched()).toThrow('Object.prototype.valueOf changed');
    } finally {
      delete proto.polluted;
      Object.prototype.valueOf = original;
    }
    expect(() => sentinel.assertUntouched()).not.toThrow();
  });

  it('the model accepts what the verifier accepts for a plain valid key (the generators are not vacuous)', async () => {
    const claims = {
      iss: 'test-vendor',
      aud: 'liberty',
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + DAY,
      customer: 'Acme',
      seats: null,
    };
    const token = compactJws(json({ alg: 'RS256', kid: 'current' }), json(claims), {
      kind: 'rsa',
      alg: 'RS256',
      key: keys.privateKeys.current,
    });
    const result = await verifyLicenseToken(token, {
      keys: keys.trusted,
      audience: 'liberty',
      issuer: 'test-vendor',
      now: NOW,
    });
    const model = modelVerdict(claims, { audience: 'liberty', issuer: 'test-vendor', nowSeconds: NOW_SECONDS });
    expect(model.status).toBe('accepted');
    expect(result).toEqual({ ...model, kid: 'current' });
  });

  it(
    `validateLicenseClaims on hostile objects never throws, never pollutes, and follows the schema (${runsOf('validateLicenseClaims on hostile objects')} cases)`,
    () => {
      const property = 'validateLicenseClaims on hostile objects';
      const anything = fc.anything({
        maxDepth: 4,
        key: fc.oneof(fc.constantFrom(...DANGEROUS_KEYS, ...CLAIM_NAMES), fc.string({ maxLength: 6 })),
        withBoxedValues: true,
        withMap: true,
        withSet: true,
        withDate: true,
        withTypedArray: true,
        withBigInt: true,
        withNullPrototype: true,
      });
      // Sizes a signed key cannot reach (8 KiB), built directly.
      const huge = fc.oneof(
        fc.constantFrom(1000, 1001, 100_000).map((n) => Array.from({ length: n }, (_, i) => `id${i % 7}`)),
        fc.constantFrom(200, 201, 1_000_000).map((n) => 'x'.repeat(n)),
        fc.integer({ min: 1_000, max: 20_000 }).map((n) => {
          let deep: unknown = 'bottom';
          for (let i = 0; i < n; i += 1) deep = i % 2 ? [deep] : { users: deep, max: deep };
          return deep;
        }),
      );
      const payload = fc.oneof(
        claimsText.map((t) => JSON.parse(t) as unknown),
        fc
          .tuple(
            claimsText,
            fc.array(
              fc.tuple(fc.constantFrom(...CLAIM_NAMES, 'features'), fc.oneof({ weight: 6, arbitrary: anything }, huge)),
              { maxLength: 3 },
            ),
            fc.boolean(),
          )
          .map(([t, extra, nullProto]) => {
            const base = JSON.parse(t) as Record<string, unknown>;
            const target: Record<string, unknown> = nullProto
              ? Object.assign(Object.create(null) as object, base)
              : base;
            for (const [k, v] of extra)
              Object.defineProperty(target, k, { value: v, enumerable: true, configurable: true, writable: true });
            return target;
          }),
        fc.object({
          key: fc.oneof(fc.constantFrom(...DANGEROUS_KEYS, ...CLAIM_NAMES), fc.string({ maxLength: 6 })),
          maxDepth: 3,
          withNullPrototype: true,
          withBoxedValues: true,
        }),
      );
      fc.assert(
        fc.property(payload, (p) => {
          const input = p as Record<string, unknown>;
          let outcome: ReturnType<typeof validateLicenseClaims>;
          try {
            outcome = validateLicenseClaims(input);
          } catch (error) {
            throw new Error(`validateLicenseClaims threw: ${String(error)}`, { cause: error });
          }
          sentinel.assertUntouched();
          const model = modelClaims(input);
          if (model.ok) {
            if (!outcome.ok) throw new Error(`rejected valid claims: ${outcome.detail}`);
            expect(outcome.claims).toEqual(model.claims);
            expect(keysBeyondSchema(outcome.claims as unknown as Record<string, unknown>)).toEqual([]);
            expect(deeplyFrozen(outcome.claims)).toBe(true);
            tally.add(property, 'accepted');
          } else {
            if (outcome.ok)
              throw new Error(
                `accepted invalid claims (${model.failures.join(', ')}): ${JSON.stringify(outcome.claims)}`,
              );
            expect(`invalid claims (${outcome.detail})`).toMatch(
              /^invalid claims \([A-Za-z][A-Za-z0-9_.]*: [\x20-\x7e]+\)$/,
            );
            expect(model.failures).toContain(outcome.detail.slice(0, outcome.detail.indexOf(':')));
            tally.add(property, `rejected (${model.stage})`);
          }
        }),
        fuzzParameters(property),
      );
      expect(tally.count(property, 'accepted')).toBeGreaterThan(0);
    },
    timeoutFor('validateLicenseClaims on hostile objects'),
  );

  it(
    `signed hostile claims reach claim validation: no throw, no pollution, the model's verdict (${runsOf('signed hostile claims')} cases)`,
    async () => {
      const property = 'signed hostile claims';
      const context = fc.record({
        audience: fc.constantFrom<string | undefined>('liberty', 'liberty', 'liberty', undefined),
        issuer: fc.constantFrom<string | readonly string[] | undefined>(
          'test-vendor',
          ['other', 'test-vendor'],
          undefined,
        ),
        clockToleranceSeconds: fc.constantFrom<number | undefined>(
          undefined,
          0,
          1,
          60,
          299.9,
          300,
          301,
          -5,
          1e9,
          Number.NaN,
          Number.POSITIVE_INFINITY,
        ),
      });
      // Payload bytes: the claims text, sometimes with an invalid UTF-8 byte or as a non-object.
      const payloadBytes = fc.oneof(
        { weight: 12, arbitrary: claimsText.map((t) => Buffer.from(t, 'utf8')) },
        claimsText.map((t) =>
          Buffer.concat([Buffer.from(t.slice(0, -1), 'utf8'), Buffer.from(',"x":"\xff"}', 'latin1')]),
        ),
        fc.constantFrom('[]', '"claims"', '42', 'null', '', '{', '{"exp":1}{}').map((t) => Buffer.from(t, 'utf8')),
      );
      const kid = fc.constantFrom<string | undefined>('current', undefined);
      await fc.assert(
        fc.asyncProperty(payloadBytes, context, kid, async (bytes, ctx, k) => {
          const header = json({ alg: 'RS256', typ: 'JWT', ...(k ? { kid: k } : {}) });
          const token = compactJws(header, bytes, { kind: 'rsa', alg: 'RS256', key: keys.privateKeys.current });
          const result = await verifyLicenseToken(token, { keys: keys.trusted, now: NOW, ...ctx });
          sentinel.assertUntouched();

          const verdict: VerdictContext = { ...ctx, nowSeconds: NOW_SECONDS };
          const expected =
            token.length > MAX_TOKEN_BYTES
              ? { status: 'rejected' as const, reason: 'malformed' }
              : modelVerdict(parse(bytes), verdict);
          if (expected.status === 'accepted') {
            expect(result).toEqual({ ...expected, ...(k ? { kid: k } : {}) });
            expect(keysBeyondSchema(result.claims as unknown as Record<string, unknown>)).toEqual([]);
            tally.add(property, 'accepted');
            return;
          }
          if (result.status !== 'rejected')
            throw new Error(`accepted, the model says "${expected.reason}": ${bytes.toString('utf8')}`);
          const kind = reasonKind(result.reason);
          tally.add(property, kind);
          if (expected.reason === 'invalid claims') {
            expect(kind).toBe('invalid claims');
            expect(expected.failures).toContain(/^invalid claims \(([^:]+):/.exec(result.reason)![1]);
            expect(result).not.toHaveProperty('claims');
            return;
          }
          expect(result.reason).toBe(expected.reason);
          if (expected.claims) expect(result.claims).toEqual(expected.claims);
          else expect(result).not.toHaveProperty('claims');
        }),
        fuzzParameters(property),
      );
      const total = tally.total(property);
      expect(tally.count(property, 'accepted')).toBeGreaterThan(total / 20);
      expect(tally.count(property, 'invalid claims')).toBeGreaterThan(total / 20);
    },
    timeoutFor('signed hostile claims'),
  );
});

// Counterexamples, pinned: each threw or was wrong before its fix.
describe('regressions', () => {
  const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const signed = (claimsJson: string) =>
    compactJws(json({ alg: 'RS256', kid: 'current' }), claimsJson, {
      kind: 'rsa',
      alg: 'RS256',
      key: keys.privateKeys.current,
    });
  const head = `"aud":"liberty","exp":${NOW_SECONDS + DAY},"customer":"Acme"`;

  // Found by this fuzzer: class-validator's @ValidateNested() walked into arrays, and the verifier
  // threw a RangeError (call stack) instead of rejecting the key.
  it.each([
    ['features', `{${head},"features":${deepArray(2800)}}`, 'invalid claims (features: must be an object)'],
    [
      'features.users',
      `{${head},"features":{"users":${deepArray(2700)}}}`,
      'invalid claims (features.users: must be an object)',
    ],
    [
      'features.ai',
      `{${head},"features":{"ai":${deepArray(2700)}}}`,
      'invalid claims (features.ai: must be an object)',
    ],
  ])('a signed key with a deeply nested array as %s is rejected, not thrown', async (_, claims, reason) => {
    const token = signed(claims);
    expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
    await expect(verifyLicenseToken(token, { keys: keys.trusted, audience: 'liberty', now: NOW })).resolves.toEqual({
      status: 'rejected',
      reason,
    });
  });

  it('validateLicenseClaims rejects a 100 000-level array under features without throwing', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(validateLicenseClaims({ exp: NOW_SECONDS, customer: 'Acme', features: deep })).toEqual({
      ok: false,
      detail: 'features: must be an object',
    });
  });

  // `null` passed @IsOptional() and reached the claims: `seats: null` became a user cap of 0.
  it('an optional claim set to null is absent from the claims', () => {
    const outcome = validateLicenseClaims(
      JSON.parse(
        `{"exp":${NOW_SECONDS},"customer":"Acme","seats":null,"edition":null,"features":{"users":{"max":null},"ai":{"messagesPerDay":null}}}`,
      ) as Record<string, unknown>,
    );
    expect(outcome).toEqual({
      ok: true,
      claims: { exp: NOW_SECONDS, customer: 'Acme', features: { users: {}, ai: {} } },
    });
  });
});

/** The claims set as jose reads it: strict UTF-8 (a leading BOM dropped), then JSON. */
function parse(bytes: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}
