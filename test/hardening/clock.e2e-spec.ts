import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { LicenseModule, LicenseService, type LicenseEvent, type LicenseModuleOptions } from '@liberty/license';
import { LicenseTestKit } from '@liberty/license/testing';
import { CapturingLogger, claims, issue, SampleApp, unique } from '../sample/sample-fixture.js';
import { specTimeout } from '../support/suite.js';

// The wall clock jumping back and forth (fake timers). A clock moved back behind the last
// verification by more than the tolerance is a warning in the status and the log, never a lockout;
// a clock moved forward past `exp` expires the key at the next timer step (at most an hour).
//
// The service is driven through a bare LicenseModule (fake timers and Nest's HTTP stack do not
// mix); the HTTP check at the end fakes `Date` only.

specTimeout(30_000);

const NOW = new Date('2031-03-01T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const s = (ms: number) => Math.floor(ms / 1000);
const CLOCK_WARNING = /^wall clock moved back (\d+) s behind the last verification$/;

const fakeClock = () => jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });

describe('wall clock jumps', () => {
  let kit: LicenseTestKit;
  const open: TestingModule[] = [];
  const variables: string[] = [];

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });
  afterEach(async () => {
    for (const moduleRef of open.splice(0)) await moduleRef.close();
    for (const name of variables.splice(0)) delete process.env[name];
    jest.useRealTimers();
  });

  /** A key issued a day before NOW, valid for `days` from NOW. */
  const keyFor = (days: number, customer = 'Acme Corp') =>
    kit.issue({
      claims: {
        customer,
        iat: s(NOW.getTime() - DAY),
        nbf: s(NOW.getTime() - DAY),
        exp: s(NOW.getTime() + days * DAY),
      },
    });

  /** LicenseModule reading a fresh process.env variable (through ConfigService), started at the (fake) now. */
  async function start(token: string, options: Partial<LicenseModuleOptions> = {}) {
    const name = unique('LIBERTY_TEST_CLOCK');
    variables.push(name);
    process.env[name] = token;
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        LicenseModule.forRoot({ audience: 'liberty', publicKey: kit.publicKey, licenseKey: `\${${name}}`, ...options }),
      ],
    })
      .setLogger(logger)
      .compile();
    open.push(moduleRef);
    await moduleRef.init();
    const license = moduleRef.get(LicenseService);
    const events: LicenseEvent[] = [];
    license.events$.subscribe((event) => events.push(event));
    const clockLines = () => logger.lines.filter((line) => line.startsWith('wall clock moved back'));
    return { license, logger, events, clockLines, setKey: (value: string) => (process.env[name] = value) };
  }

  it('moved back by more than the tolerance: reported in the state and the log at the next timer step; still accepted, nothing changed', async () => {
    fakeClock();
    const { license, events, clockLines } = await start(await keyFor(100));
    jest.setSystemTime(NOW.getTime() - 2 * HOUR);
    await jest.advanceTimersByTimeAsync(HOUR); // the expiry timer steps at most an hour
    expect(license.state).toMatchObject({ status: 'accepted', claims: { customer: 'Acme Corp' } });
    expect(license.state.warnings).toEqual([expect.stringMatching(CLOCK_WARNING)]);
    expect(Number(CLOCK_WARNING.exec(license.state.warnings[0])![1])).toBe(3600);
    expect(license.isLicensed('connector:sap')).toBe(true);
    expect(clockLines()).toHaveLength(1);
    expect(events).toEqual([]);

    // Re-verifying the same key afterwards: still accepted, the jump is not reported twice.
    expect((await license.reverify()).status).toBe('accepted');
    await jest.advanceTimersByTimeAsync(5 * HOUR);
    expect(license.state.status).toBe('accepted');
    expect(clockLines()).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it('detected by reverify() too, without waiting for the timer', async () => {
    fakeClock();
    const { license, clockLines } = await start(await keyFor(100));
    jest.setSystemTime(NOW.getTime() - 10 * 60_000);
    const state = await license.reverify();
    expect(state).toMatchObject({
      status: 'accepted',
      warnings: ['wall clock moved back 600 s behind the last verification'],
    });
    expect(clockLines()).toEqual(['wall clock moved back 600 s behind the last verification liberty.licensing']);
  });

  it.each([
    ['default tolerance (60 s): 59 s back is not reported, 61 s is', {}, 59, 61],
    ['clockToleranceSeconds 300: 299 s back is not reported, 301 s is', { clockToleranceSeconds: 300 }, 299, 301],
    ['clockToleranceSeconds 0: any step back over a second is reported', { clockToleranceSeconds: 0 }, 0, 2],
  ])('%s', async (_, options, within, beyond) => {
    fakeClock();
    const { license, clockLines } = await start(await keyFor(100), options);
    jest.setSystemTime(NOW.getTime() - within * 1000);
    expect((await license.reverify()).warnings).toEqual([]);
    jest.setSystemTime(NOW.getTime() - beyond * 1000);
    const state = await license.reverify();
    expect(state.status).toBe('accepted');
    expect(state.warnings).toEqual([expect.stringMatching(CLOCK_WARNING)]);
    expect(clockLines()).toHaveLength(1);
  });

  it('back and forth: every backward jump is reported once, forward jumps are silent, the key stays accepted throughout', async () => {
    fakeClock();
    const { license, events, clockLines } = await start(await keyFor(100));
    const jumps = [-2 * HOUR, +6 * HOUR, -3 * HOUR, +30 * 60_000, -DAY / 2, +2 * DAY];
    const reported: number[] = [];
    for (const jump of jumps) {
      jest.setSystemTime(Date.now() + jump);
      await jest.advanceTimersByTimeAsync(HOUR);
      expect(license.state.status).toBe('accepted');
      expect(license.isLicensed('connector:sap')).toBe(true);
      reported.push(clockLines().length);
    }
    // Three backward jumps (2 h, 3 h, 12 h), each once: counts after each step.
    expect(reported).toEqual([1, 1, 2, 2, 3, 3]);
    expect(events).toEqual([]);
  });

  it('moved forward past exp: expired at the next timer step (≤ 1 h), claims kept, events fired; a renewed key recovers without a restart', async () => {
    fakeClock();
    const { license, events, logger, setKey } = await start(await keyFor(100));
    jest.setSystemTime(NOW.getTime() + 101 * DAY);
    // Nothing happens until the timer steps: no request and no restart needed, but no magic either.
    expect(license.state.status).toBe('accepted');
    await jest.advanceTimersByTimeAsync(HOUR);
    const expiredOn = new Date(NOW.getTime() + 100 * DAY).toISOString().slice(0, 10);
    expect(license.state).toMatchObject({
      status: 'rejected',
      reason: `expired (${expiredOn})`,
      claims: { customer: 'Acme Corp' },
    });
    expect(license.isLicensed('connector:sap')).toBe(false);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['license.changed', 'license.expired']));
    expect(logger.lines).toContain(`license rejected — reason="expired (${expiredOn})" liberty.licensing`);

    // The clock set back to the right time: the key is valid again at the next verification.
    jest.setSystemTime(NOW.getTime() + 2 * HOUR);
    expect(await license.reverify()).toMatchObject({
      status: 'accepted',
      warnings: [expect.stringMatching(CLOCK_WARNING)],
    });

    // Or a renewed key, at the later date.
    jest.setSystemTime(NOW.getTime() + 101 * DAY);
    setKey(
      await kit.issue({
        claims: { customer: 'Acme Corp', iat: s(Date.now()), nbf: s(Date.now()), exp: s(Date.now() + 365 * DAY) },
      }),
    );
    expect((await license.reverify()).status).toBe('accepted');
    expect(license.isLicensed('connector:sap')).toBe(true);
  });

  it("moved back behind the key's own nbf: never a lockout — the key this service already accepted later stays accepted, with a warning; a key never accepted here is judged at the wall clock", async () => {
    fakeClock();
    const { license, clockLines, setKey } = await start(await keyFor(100));
    jest.setSystemTime(NOW.getTime() - 2 * DAY);
    await jest.advanceTimersByTimeAsync(HOUR);
    expect(license.state.status).toBe('accepted');
    expect(clockLines()).toHaveLength(1);

    const state = await license.reverify();
    expect(state).toMatchObject({ status: 'accepted', claims: { customer: 'Acme Corp' } });
    expect(state.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^wall clock is before the key's start \(not yet valid \(/)]),
    );
    expect(license.isLicensed('connector:sap')).toBe(true);

    // A different key that starts in the (wall-clock) future was never accepted here: not yet valid.
    setKey(
      await kit.issue({
        claims: {
          customer: 'Other',
          iat: s(NOW.getTime() - DAY),
          nbf: s(NOW.getTime() - DAY),
          exp: s(NOW.getTime() + 100 * DAY),
        },
      }),
    );
    expect(await license.reverify()).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^not yet valid \(/),
    });

    jest.setSystemTime(NOW);
    expect((await license.reverify()).status).toBe('accepted');
  });

  it('through the sample app: the warning is on the License tab and in its log; a later clock clears it (Date faked only)', async () => {
    const now = Date.now();
    const token = await issue(kit, {
      claims: claims({ connectors: ['sap'] }, { iat: s(now - DAY), nbf: s(now - DAY), exp: s(now + 100 * DAY) }),
    });
    const sample = await SampleApp.start(kit, { token });
    try {
      // Only Date is faked: timers, sockets and Nest run for real.
      jest.useFakeTimers({
        now: now - 2 * HOUR,
        doNotFake: [
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ],
      });
      const view = (await sample.call('post', '/api/license/reverify')).body;
      expect(view).toMatchObject({ status: 'accepted', warnings: [expect.stringMatching(CLOCK_WARNING)] });
      expect((await sample.get('/api/license')).body.warnings).toEqual(view.warnings);
      expect((await sample.get('/api/license/status')).body).toMatchObject({ valid: true, error: '' });
      expect((await sample.get('/api/connectors/sap/tables')).status).toBe(200);
      expect(sample.logger.lines.some((line) => CLOCK_WARNING.test(line.replace(/ liberty\.licensing$/, '')))).toBe(
        true,
      );
      jest.useRealTimers();
      expect((await sample.call('post', '/api/license/reverify')).body).toMatchObject({
        status: 'accepted',
        warnings: [],
      });
    } finally {
      jest.useRealTimers();
      await sample.close();
    }
  });
});
