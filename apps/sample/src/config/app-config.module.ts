import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG_PATH } from './app-config.constants.js';
import { AppConfigStore } from './app-config.store.js';

/** The app.toml in use (path and atomic edits), for every module. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(path: string): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG_PATH, useValue: path }, AppConfigStore],
      exports: [APP_CONFIG_PATH, AppConfigStore],
    };
  }
}
