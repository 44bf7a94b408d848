import { Controller, Get } from '@nestjs/common';
import { SeatLimiter, userCapLevel, type UserCapLevel } from '@liberty/license';
import { Permissions } from '../auth/permissions.decorator.js';

export interface SeatsView {
  /** Enabled users (disabled ones take no seat). */
  count: number;
  /** The license's user cap; `null` when the key sets none (or there is no key). */
  max: number | null;
  percent: number | null;
  level: UserCapLevel | null;
}

/**
 * `GET /api/users/seats`: seats used against the cap, for the Users page (which `users:write`
 * opens, without needing `license:read` for the whole License tab).
 */
@Controller('api/users/seats')
@Permissions('users:write')
export class SeatsController {
  constructor(private readonly seats: SeatLimiter) {}

  @Get()
  async usage(): Promise<SeatsView> {
    const { count, max } = await this.seats.usage();
    if (max === null) return { count, max, percent: null, level: null };
    // Same rounding and colour scale as the License tab.
    const percent = max === 0 ? 100 : Math.round((count / max) * 1000) / 10;
    return { count, max, percent, level: userCapLevel(percent) };
  }
}
