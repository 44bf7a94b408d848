import { Controller, Get } from '@nestjs/common';
import { LicenseService, SeatLimiter } from '@liberty/license';
import { userCapLevel, type UserCapLevel } from '@liberty/license/status';
import { Permissions } from '../auth/permissions.decorator.js';
import { seatMeter, type SeatMeterLevel } from '../license/license-condition.util.js';

export interface SeatsView {
  /** Enabled users (disabled ones take no seat). */
  count: number;
  /** The license's user cap; `null` when the key sets none (or there is no key). */
  max: number | null;
  percent: number | null;
  level: UserCapLevel | null;
  /** The seat bar's colour (the License page's rule): grey while the license is not accepted, `over` above the cap. */
  meter: SeatMeterLevel | null;
}

/**
 * `GET /api/users/seats`: seats used against the cap, for the Users page (which `users:write`
 * opens, without needing `license:read` for the whole License tab).
 */
@Controller('api/users/seats')
@Permissions('users:write')
export class SeatsController {
  constructor(
    private readonly seats: SeatLimiter,
    private readonly license: LicenseService,
  ) {}

  @Get()
  async usage(): Promise<SeatsView> {
    const { count, max } = await this.seats.usage();
    if (max === null) return { count, max, percent: null, level: null, meter: null };
    // Same rounding and colour scale as the License tab.
    const percent = max === 0 ? 100 : Math.round((count / max) * 1000) / 10;
    return {
      count,
      max,
      percent,
      level: userCapLevel(percent),
      meter: seatMeter(count, max, this.license.state.status === 'accepted'),
    };
  }
}
