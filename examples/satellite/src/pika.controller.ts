import { Controller, Get, UseGuards } from '@nestjs/common';
import { LicenseGuard, LicenseService, RequiresLicense } from '@liberty/license';
import { licenseBanner } from '@liberty/license/status';

@Controller()
@UseGuards(LicenseGuard)
export class PikaController {
  constructor(private readonly license: LicenseService) {}

  // Soft: it always runs, licensed or not; with enforcement: 'restricted' it would be 403 without product:pika.
  @Get('pika/run')
  @RequiresLicense('product:pika')
  run() {
    return { ran: true, banner: licenseBanner(this.license.state).text }; // '' when licensed
  }

  @Get('license')
  status() {
    const { status, reason } = this.license.state; // no customer, hub URL or warnings for anonymous callers
    return { status, reason: reason ?? null, licensed: this.license.isLicensed('product:pika') };
  }
}
