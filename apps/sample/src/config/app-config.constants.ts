/** DI token: the absolute path of the app.toml in use. */
export const APP_CONFIG_PATH = Symbol('sample.app-config-path');
/** The key under which the parsed app.toml is loaded into `@nestjs/config`'s `ConfigService`. */
export const APP_CONFIG_NAMESPACE = 'app';
