import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LicensedRegistry, LicenseService } from '@liberty/license';
import { AppConfigStore } from '../config/app-config.store.js';
import { contentsOf } from './packaged-app.contents.js';
import type { PackagedApp } from './packaged-app.interface.js';

/** The packaged apps of app.toml with their menus and screens; `visible()` follows the license. */
@Injectable()
export class AppRegistry extends LicensedRegistry<PackagedApp> implements OnModuleInit {
  constructor(
    license: LicenseService,
    private readonly configStore: AppConfigStore,
  ) {
    super(license, 'app');
  }

  onModuleInit(): void {
    for (const { id, name, licensed } of this.configStore.config.apps) {
      this.register({ id, name, licensed, ...contentsOf(id, name) });
    }
  }
}
