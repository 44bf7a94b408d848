import { userCapOf } from '@liberty/license/status';
import { type LicenseState } from '@liberty/license';
import type { UsageDay } from './usage-history.store.js';

/** One day of the report: `null` figures where no sample was recorded that day. */
export interface UsageReportDay {
  day: string;
  peakUsers: number | null;
  aiMessages: number | null;
  /** The peak was above the license's user cap. */
  usersOverCap: boolean;
  /** More AI messages than the license's daily cap. */
  aiOverCap: boolean;
}

/** The true-up report: what a customer sends the vendor at renewal. */
export interface UsageReport {
  /** The license's `sub` (customer id) and customer name; `null` without verified claims. */
  sub: string | null;
  customer: string | null;
  cap: { users: number | null; aiMessagesPerDay: number | null };
  from: string;
  to: string;
  days: UsageReportDay[];
  /** How many days were over each cap. */
  daysOverCap: { users: number; aiMessages: number };
  peak: { users: number | null; aiMessages: number | null };
  generatedAt: string;
}

const DAY_MS = 86_400_000;

/** Every UTC day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Builds the report for `from`–`to` against the current license's caps (the caps the renewal is
 * negotiated on). Days without a sample are listed with `null` figures, never counted over a cap.
 */
export function buildUsageReport(
  state: LicenseState,
  recorded: readonly UsageDay[],
  from: string,
  to: string,
  now = new Date(),
): UsageReport {
  const claims = state.claims;
  const userCap = userCapOf(claims) ?? null;
  const aiCap = claims?.features?.ai?.messagesPerDay ?? null;
  const byDay = new Map(recorded.map((d) => [d.day, d]));
  const days = daysBetween(from, to).map((day): UsageReportDay => {
    const sample = byDay.get(day);
    return {
      day,
      peakUsers: sample?.peakUsers ?? null,
      aiMessages: sample?.aiMessages ?? null,
      usersOverCap: sample !== undefined && userCap !== null && sample.peakUsers > userCap,
      aiOverCap: sample !== undefined && aiCap !== null && sample.aiMessages > aiCap,
    };
  });
  const max = (values: Array<number | null>) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length > 0 ? Math.max(...known) : null;
  };
  return {
    sub: claims?.sub ?? null,
    customer: claims?.customer ?? null,
    cap: { users: userCap, aiMessagesPerDay: aiCap },
    from,
    to,
    days,
    daysOverCap: {
      users: days.filter((d) => d.usersOverCap).length,
      aiMessages: days.filter((d) => d.aiOverCap).length,
    },
    peak: { users: max(days.map((d) => d.peakUsers)), aiMessages: max(days.map((d) => d.aiMessages)) },
    generatedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

export const CSV_COLUMNS = [
  'day',
  'sub',
  'customer',
  'peak_users',
  'user_cap',
  'users_over_cap',
  'ai_messages',
  'ai_messages_cap',
  'ai_over_cap',
] as const;

/** RFC 4180 CSV, one row per day (CRLF line ends, a header row). */
export function usageReportCsv(report: UsageReport): string {
  const rows = report.days.map((d) => [
    d.day,
    report.sub,
    report.customer,
    d.peakUsers,
    report.cap.users,
    d.usersOverCap,
    d.aiMessages,
    report.cap.aiMessagesPerDay,
    d.aiOverCap,
  ]);
  return [CSV_COLUMNS, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * One CSV field. Claims are untrusted text: quotes are doubled, and a value a spreadsheet would
 * run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading apostrophe.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
