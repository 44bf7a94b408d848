import { BadRequestException, Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { LicenseService } from '@liberty/license';
import { Permissions } from '../auth/permissions.decorator.js';
import { UsageHistoryRecorder } from './usage-history.recorder.js';
import { UsageHistoryStore } from './usage-history.store.js';
import { buildUsageReport, usageReportCsv, type UsageReport } from './usage-report.util.js';

/** The longest report: a year and a day (a leap year's true-up). */
export const MAX_REPORT_DAYS = 366;
/** Without `from`: the last 30 days, today included. */
export const DEFAULT_REPORT_DAYS = 30;

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
}

@Controller('api/license/usage')
export class UsageHistoryController {
  constructor(
    private readonly license: LicenseService,
    private readonly store: UsageHistoryStore,
    private readonly recorder: UsageHistoryRecorder,
  ) {}

  /**
   * The usage history and true-up report, as JSON or CSV (`?format=csv`, or `Accept: text/csv`).
   * Default range: the last 30 UTC days.
   */
  @Get()
  @Permissions('license:read')
  async report(
    @Query() raw: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: HeaderSink,
  ): Promise<UsageReport | string> {
    const query = parseQuery(raw);
    const { from, to } = range(query, new Date());
    await this.recorder.sample(); // today's figures are current, and pending samples are written
    const report = buildUsageReport(this.license.state, await this.store.range(from, to), from, to);
    if (!wantsCsv(query.format, accept)) return report;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    const name = `usage-${(report.sub ?? 'unlicensed').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64)}-${from}-${to}.csv`;
    response.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    return usageReportCsv(report);
  }
}

function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  return /(^|,)\s*text\/csv\b/i.test(accept ?? '');
}

interface UsageQuery {
  from?: string;
  to?: string;
  format?: 'json' | 'csv';
}

/**
 * `from`, `to` (UTC days, `YYYY-MM-DD`) and `format` (`json` | `csv`), each given at most once.
 * Checked here rather than by a DTO: the app's validation pipe handles bodies only.
 */
function parseQuery(raw: Record<string, unknown>): UsageQuery {
  const query: UsageQuery = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string') throw new BadRequestException(`${name} must be given once`);
    if (name === 'from' || name === 'to') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new BadRequestException(`${name} must be a UTC day as YYYY-MM-DD`);
      query[name] = value;
    } else if (name === 'format') {
      if (value !== 'json' && value !== 'csv') throw new BadRequestException('format must be json or csv');
      query.format = value;
    } else {
      throw new BadRequestException(
        `unknown parameter ${JSON.stringify(name.slice(0, 40))}; expected from, to or format`,
      );
    }
  }
  return query;
}

/** The requested days, checked: real dates, `from` ≤ `to`, at most a year. */
function range(query: UsageQuery, now: Date): { from: string; to: string } {
  const to = query.to ?? now.toISOString().slice(0, 10);
  const from = query.from ?? shift(to, -(DEFAULT_REPORT_DAYS - 1));
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (
      Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
      new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
    ) {
      throw new BadRequestException(`${name} is not a calendar day: ${value}`);
    }
  }
  if (from > to) throw new BadRequestException('from must not be after to');
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > MAX_REPORT_DAYS) throw new BadRequestException(`a report covers at most ${MAX_REPORT_DAYS} days`);
  return { from, to };
}

function shift(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
