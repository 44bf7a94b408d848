import { Module } from '@nestjs/common';
import { MenuRegistry } from '../menus/menu.registry.js';
import { AppRegistry } from './app.registry.js';

@Module({
  providers: [AppRegistry, MenuRegistry],
  exports: [AppRegistry, MenuRegistry],
})
export class PackagedAppsModule {}
