import { Controller, Get, UseGuards } from '@nestjs/common';
import { LicenseGuard, RequiresLicense } from '@liberty/license';

// Without `app:reports` in the key: 403 { code: 'LICENSE_REQUIRED', feature: 'app:reports', … }.
@Controller('reports')
@UseGuards(LicenseGuard)
@RequiresLicense('app:reports')
export class ReportsController {
  @Get()
  list() {
    return [{ id: 'q3-revenue', title: 'Revenue, Q3' }];
  }
}
