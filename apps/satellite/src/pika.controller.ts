import { Controller, Get } from '@nestjs/common';
import { RequiresLicense } from '@liberty/license';

/** PIKA's own work: usable only while the hub's license lists the product `pika`. */
@Controller('api/pika')
@RequiresLicense('product:pika')
export class PikaController {
  @Get('run')
  run() {
    return { product: 'pika', ran: true, at: new Date().toISOString() };
  }
}
