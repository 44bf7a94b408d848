import { Injectable } from '@nestjs/common';
import { SeatLimiter } from '@liberty/license';
import { Database } from '../database/database.js';
import type { CreateUserDto, UpdateUserDto } from './users.dto.js';
import { UsersService, type PublicUser } from './users.service.js';

/**
 * User writes that may take a seat. The seat check and the write run in one transaction of the
 * app's database, under the `seats` lock (`Database.serialized`), with the library's
 * `SeatLimiter.claimSeatWithin()`: exact across every replica sharing the database, which an
 * in-process queue or a Redis lock next to the database could not guarantee.
 */
@Injectable()
export class SeatedUserWrites {
  constructor(
    private readonly database: Database,
    private readonly users: UsersService,
    private readonly seats: SeatLimiter,
  ) {}

  /** 402 SEAT_LIMIT_REACHED at the cap (a disabled new user takes no seat). */
  create(dto: CreateUserDto): Promise<PublicUser & { token: string }> {
    if (dto.enabled === false) return this.users.create(dto);
    return this.database.serialized('seats', (tx) =>
      this.seats.claimSeatWithin(
        () => this.users.enabledUsers(tx),
        () => this.users.create(dto, tx),
      ),
    );
  }

  /** 402 when re-enabling a user beyond the cap; disabling frees a seat. */
  update(id: string, dto: UpdateUserDto): Promise<PublicUser> {
    if (dto.enabled !== true) return this.users.update(id, dto);
    return this.database.serialized('seats', async (tx) =>
      (await this.users.enables(id, dto, tx))
        ? this.seats.claimSeatWithin(
            () => this.users.enabledUsers(tx),
            () => this.users.update(id, dto, tx),
          )
        : this.users.update(id, dto, tx),
    );
  }
}
