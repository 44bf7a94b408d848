import { HttpException, HttpStatus } from '@nestjs/common';

/** The `code` of the 402 body when a seat-consuming action would exceed the license's user cap. */
export const SEAT_LIMIT_REACHED = 'SEAT_LIMIT_REACHED';

/** 402 `{ statusCode, code: 'SEAT_LIMIT_REACHED', message, max, count }`. */
export class SeatLimitReachedException extends HttpException {
  readonly code = SEAT_LIMIT_REACHED;
  constructor(
    readonly count: number,
    readonly max: number,
  ) {
    super(
      {
        statusCode: HttpStatus.PAYMENT_REQUIRED,
        code: SEAT_LIMIT_REACHED,
        message:
          `Seat limit reached — the license allows ${max} enabled user${max === 1 ? '' : 's'} ` +
          `and ${count} ${count === 1 ? 'is' : 'are'} enabled. Disable a user or extend the license.`,
        max,
        count,
      },
      HttpStatus.PAYMENT_REQUIRED,
    );
  }
}
