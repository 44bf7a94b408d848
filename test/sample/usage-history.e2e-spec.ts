import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import request from 'supertest';
import { UsageHistoryStore } from '../../apps/sample/src/usage-history/usage-history.store.js';
import { claims, issue, SampleApp } from './sample-fixture.js';
import { specTimeout } from '../support/suite.js';

// The usage history and true-up report: GET /api/license/usage?from&to (license:read) as JSON and
// CSV, over a fake month seeded into the real database, and recorded live from user writes and AI
// messages.

specTimeout(60_000);

/** A small RFC 4180 parser: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

const NOVEMBER = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);

describe('usage history over a fake month', () => {
  let kit: LicenseTestKit;
  let sample: SampleApp;
  // A customer name that is hostile in a spreadsheet: a formula, a comma and quotes.
  const customer = '=HYPERLINK("http://x"), Inc';

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    const token = await issue(kit, {
      claims: claims(
        { users: { max: 3 }, ai: { providers: ['anthropic'], messagesPerDay: 100 } },
        { sub: 'acme-42', customer },
      ),
    });
    sample = await SampleApp.start(kit, { token });
    const store = sample.app.get(UsageHistoryStore);
    for (const [i, day] of NOVEMBER.entries()) {
      if (day === '2026-11-15') continue; // no sample that day (the app was down)
      // Day 10 and 20 over the user cap, day 25 over the AI cap.
      const peakUsers = day === '2026-11-10' ? 4 : day === '2026-11-20' ? 5 : 1 + (i % 3);
      const aiMessages = day === '2026-11-25' ? 120 : i * 3;
      await store.record({ day, peakUsers, aiMessages });
      // A later, lower sample never lowers a peak.
      await store.record({ day, peakUsers: 0, aiMessages: 0 });
    }
  });
  afterAll(() => sample?.close());

  it('JSON: every day of the range with its peak, the caps, the days over cap, sub and customer', async () => {
    const response = await sample.get('/api/license/usage?from=2026-11-01&to=2026-11-30');
    expect(response.status).toBe(200);
    const report = response.body;
    expect(report).toMatchObject({
      sub: 'acme-42',
      customer,
      cap: { users: 3, aiMessagesPerDay: 100 },
      from: '2026-11-01',
      to: '2026-11-30',
      daysOverCap: { users: 2, aiMessages: 1 },
      peak: { users: 5, aiMessages: 120 },
      generatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    });
    expect(report.days.map((d: { day: string }) => d.day)).toEqual(NOVEMBER);
    expect(report.days[0]).toEqual({
      day: '2026-11-01',
      peakUsers: 1,
      aiMessages: 0,
      usersOverCap: false,
      aiOverCap: false,
    });
    expect(report.days[9]).toEqual({
      day: '2026-11-10',
      peakUsers: 4,
      aiMessages: 27,
      usersOverCap: true,
      aiOverCap: false,
    });
    expect(report.days[14]).toEqual({
      day: '2026-11-15',
      peakUsers: null,
      aiMessages: null,
      usersOverCap: false,
      aiOverCap: false,
    });
    expect(report.days[24]).toMatchObject({ day: '2026-11-25', aiMessages: 120, aiOverCap: true });
    // At the cap is not over it.
    expect(report.days[2]).toMatchObject({ peakUsers: 3, usersOverCap: false });
  });

  it('CSV (?format=csv or Accept: text/csv): a header and one row per day that parse back', async () => {
    const byQuery = await sample.get('/api/license/usage?from=2026-11-01&to=2026-11-30&format=csv');
    const byAccept = await request(sample.url)
      .get('/api/license/usage?from=2026-11-01&to=2026-11-30')
      .set('Authorization', `Bearer ${sample.adminToken}`)
      .set('Accept', 'text/csv');
    for (const response of [byQuery, byAccept]) {
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(
        'attachment; filename="usage-acme-42-2026-11-01-2026-11-30.csv"',
      );
    }
    expect(byAccept.text).toBe(byQuery.text);
    const rows = parseCsv(byQuery.text);
    expect(rows[0]).toEqual([
      'day',
      'sub',
      'customer',
      'peak_users',
      'user_cap',
      'users_over_cap',
      'ai_messages',
      'ai_messages_cap',
      'ai_over_cap',
    ]);
    expect(rows).toHaveLength(31);
    // The hostile name is one field, defused with a leading apostrophe.
    expect(rows[10]).toEqual(['2026-11-10', 'acme-42', `'${customer}`, '4', '3', 'true', '27', '100', 'false']);
    expect(rows[15]).toEqual(['2026-11-15', 'acme-42', `'${customer}`, '', '3', 'false', '', '100', 'false']);
    expect(rows.slice(1).filter((r) => r[5] === 'true')).toHaveLength(2);
  });

  it('refuses bad ranges with 400 and a clear message', async () => {
    const cases: Array<[string, RegExp]> = [
      ['from=2026-11-30&to=2026-11-01', /from must not be after to/],
      ['from=2026-02-30', /from is not a calendar day: 2026-02-30/],
      ['from=2026-1-01', /from must be a UTC day as YYYY-MM-DD/],
      ['from=2024-01-01&to=2026-01-01', /a report covers at most 366 days/],
      ['format=xml', /format must be json or csv/],
      ['from=2026-11-01&from=2026-11-02', /from must be given once/],
      ['since=2026-11-01', /unknown parameter \\"since\\"; expected from, to or format/],
    ];
    for (const [query, message] of cases) {
      const response = await sample.get(`/api/license/usage?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(response.body.message)).toMatch(message);
    }
  });

  it('needs license:read', async () => {
    expect((await sample.get('/api/license/usage', null)).status).toBe(401);
    const reader = await sample.user(['license:read'], 'reader');
    const other = await sample.user(['users:write'], 'other');
    expect((await sample.get('/api/license/usage', reader.token)).status).toBe(200);
    const refused = await sample.get('/api/license/usage', other.token);
    expect(refused.status).toBe(403);
  });
});

describe('usage history recorded live', () => {
  it("records the day's peak of enabled users and the AI messages, and keeps them across a restart", async () => {
    const kit = await LicenseTestKit.create();
    const token = await issue(kit, {
      claims: claims({ users: { max: 10 }, ai: { providers: ['anthropic'], messagesPerDay: 50 } }),
    });
    const dataDir = await mkdtemp(join(tmpdir(), 'liberty-usage-'));
    let sample = await SampleApp.start(kit, { token, dataDir });
    try {
      const a = await sample.user([], 'a');
      await sample.user([], 'b');
      await sample.user([], 'c'); // admin + 3 = 4 enabled users
      expect((await sample.call('patch', `/api/users/${a.id}`, { body: { enabled: false } })).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        expect(
          (await sample.call('post', '/api/ai/messages', { body: { provider: 'anthropic', message: 'hi' } })).status,
        ).toBe(200);
      }
      const today = new Date().toISOString().slice(0, 10);
      const report = (await sample.get('/api/license/usage')).body;
      expect(report.days).toHaveLength(30);
      expect(report.to).toBe(today);
      expect(report.days.at(-1)).toEqual({
        day: today,
        peakUsers: 4,
        aiMessages: 3,
        usersOverCap: false,
        aiOverCap: false,
      });

      await sample.close();
      sample = await SampleApp.start(kit, { token, dataDir });
      const after = (await sample.get(`/api/license/usage?from=${today}&to=${today}`)).body;
      expect(after.days).toEqual([{ day: today, peakUsers: 4, aiMessages: 3, usersOverCap: false, aiOverCap: false }]);
    } finally {
      await sample.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
