import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { LicenseModuleOptions } from './interfaces/license-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableLicenseModule,
  MODULE_OPTIONS_TOKEN: LICENSE_MODULE_OPTIONS,
  OPTIONS_TYPE: LICENSE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: LICENSE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<LicenseModuleOptions>({ moduleName: 'License' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
