/**
 * How many enabled users the host has now. The host implements it (usually its users service)
 * and provides it as `{ provide: SEAT_COUNTER, useExisting: UsersService }`. Disabled users must
 * not be counted.
 */
export interface SeatCounter {
  enabledUsers(): number | Promise<number>;
}

/** DI token of the host's `SeatCounter`. */
export const SEAT_COUNTER = Symbol('liberty.license.seat-counter');
