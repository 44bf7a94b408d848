import { Injectable } from '@nestjs/common';
import { SeatLimiter, type SeatLock } from '@liberty/license';
import { Database, type Tx } from '../database/database.service.js';
import type { CreateUserDto, UpdateUserDto } from './users.dto.js';
import { UsersService, type PublicUser } from './users.service.js';

/**
 * User writes and the seat rule (DESIGN 5e). Every write that changes `enabled` — creating an
 * enabled user, enabling, disabling — runs in one transaction of the app's database under the
 * `seats` lock (`Database.serialized`), through the library's `SeatLimiter.underSeatLock()`:
 * exact across every replica sharing the database, which an in-process queue or a Redis lock
 * next to the database could not guarantee. Edits of the name or the permissions write only
 * those columns, so they can never put back an `enabled` a concurrent disable changed.
 */
@Injectable()
export class SeatedUserWrites {
  private readonly lock: SeatLock<Tx>;

  constructor(
    database: Database,
    private readonly users: UsersService,
    private readonly seats: SeatLimiter,
  ) {
    this.lock = { run: (work) => database.serialized('seats', work), enabledUsers: (tx) => users.enabledUsers(tx) };
  }

  /** 402 SEAT_LIMIT_REACHED at the cap (a disabled new user takes no seat). */
  create(dto: CreateUserDto): Promise<PublicUser & { token: string }> {
    if (dto.enabled === false) return this.users.create(dto);
    return this.seats.underSeatLock(this.lock, async (tx, seat) => {
      await seat.claim();
      return this.users.create(dto, tx);
    });
  }

  /**
   * Deletes user `id` with its sessions; an enabled user's seat is free once this returns. Runs
   * under the seat lock like every write of `enabled`: a delete racing a re-enable of the same
   * user cannot leave a seat counted twice. The last admin is never deleted.
   */
  remove(id: string): Promise<void> {
    return this.seats.underSeatLock(this.lock, (tx) => this.users.remove(id, tx));
  }

  /** 402 when re-enabling a disabled user beyond the cap; disabling frees a seat. */
  update(id: string, dto: UpdateUserDto): Promise<PublicUser> {
    if (dto.enabled === undefined) return this.users.update(id, dto);
    return this.seats.underSeatLock(this.lock, async (tx, seat) => {
      // Read in the seat transaction: nobody changes `enabled` between this read and the write.
      const before = await this.users.find(id, tx);
      if (dto.enabled === true && !before.enabled) await seat.claim();
      return this.users.update(id, dto, tx);
    });
  }
}
