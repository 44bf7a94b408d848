import { BadRequestException } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';

/**
 * Express, with one change: a body that is not valid JSON gets a fixed message. Nest passes the
 * parser's own message on (`Unexpected token 'a', "abc…" is not valid JSON`), which echoes part
 * of the body back — a secret pasted by mistake, or markup in a reflected error.
 */
export class SampleExpressAdapter extends ExpressAdapter {
  override mapException(error: unknown): unknown {
    if (error instanceof SyntaxError && (error as { type?: unknown }).type === 'entity.parse.failed') {
      return new BadRequestException(
        { statusCode: 400, code: 'INVALID_JSON', message: 'The request body is not valid JSON' },
        { cause: error },
      );
    }
    return super.mapException(error);
  }
}
