import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Database } from '../database/database.service.js';

/** A probe that does not answer within this is a database that is down, as far as /health can tell. */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Terminus indicator for the app's database. Terminus ships indicators for TypeORM, Sequelize,
 * Mongoose, Prisma and MikroORM, none for Kysely over pg / better-sqlite3: this one is a check on
 * Terminus' own `HealthIndicatorService`, running `select 1` (through the same pool as every
 * request) within 3 s. `down` makes `GET /health` answer 503. The details name the database kind
 * only — never its address (health is public).
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly database: Database,
  ) {}

  async isHealthy<const Key extends string = 'database'>(
    key: Key = 'database' as Key,
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.database.availability.probe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
        }),
      ]);
      return session.up({ kind: this.database.kind });
    } catch {
      return session.down({ kind: this.database.kind, code: 'DATABASE_UNAVAILABLE' });
    } finally {
      clearTimeout(timer);
    }
  }
}
