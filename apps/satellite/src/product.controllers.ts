import { Controller, Get } from '@nestjs/common';
import { RequiresLicense } from '@liberty/license';
import type { SatelliteProduct } from './satellite.config.js';

/**
 * The product's own work. `@RequiresLicense('product:<id>')`: under the default soft enforcement
 * it answers in every license state (ai.doo: "no feature gates"); with `LIBERTY_ENFORCEMENT=restricted`
 * it is 403 `LICENSE_REQUIRED` unless the hub's license lists the product.
 */
@Controller('api/pika')
@RequiresLicense('product:pika')
export class PikaController {
  @Get('run')
  run() {
    return { product: 'pika', ran: true, at: new Date().toISOString() };
  }
}

/** VERA: the same code, another product id. */
@Controller('api/vera')
@RequiresLicense('product:vera')
export class VeraController {
  @Get('run')
  run() {
    return { product: 'vera', ran: true, at: new Date().toISOString() };
  }
}

export const PRODUCT_CONTROLLERS: Record<SatelliteProduct, new () => unknown> = {
  pika: PikaController,
  vera: VeraController,
};
