/**
 * WsException and RpcException, looked up the first time a locked call arrives over that
 * transport. `@nestjs/websockets` and `@nestjs/microservices` are optional peers: an app that has
 * no gateway or microservice never loads them (no static import anywhere in the library), and an
 * app that has one has the package installed, since its gateway or handler needs it.
 *
 * Each is a literal `import()`, as Nest loads its own optional packages: a bundled app (webpack,
 * esbuild, rolldown) resolves it to the one copy of the package in its bundle, so the gateway's
 * or microservice's exception filter recognises the exception. A variable specifier was left to
 * Node at run time, which loaded a second copy from node_modules; its WsException was not the
 * filter's, and a locked call was answered "Internal server error".
 */
type ExceptionClass = new (error: object) => Error;

export type Transport = 'ws' | 'rpc';

const SOURCES: Record<Transport, { specifier: string; exportName: string; load: () => Promise<object> }> = {
  ws: { specifier: '@nestjs/websockets', exportName: 'WsException', load: () => import('@nestjs/websockets') },
  rpc: { specifier: '@nestjs/microservices', exportName: 'RpcException', load: () => import('@nestjs/microservices') },
};

const loaded: Partial<Record<Transport, ExceptionClass>> = {};
const loading: Partial<Record<Transport, Promise<ExceptionClass>>> = {};

/** The class if it was loaded already (the guard then throws synchronously). */
export function loadedTransportException(transport: Transport): ExceptionClass | undefined {
  return loaded[transport];
}

export function loadTransportException(transport: Transport): Promise<ExceptionClass> {
  return (loading[transport] ??= importException(transport).then(
    (exception) => (loaded[transport] = exception),
    (error: unknown) => {
      delete loading[transport]; // a later call may retry
      throw error;
    },
  ));
}

async function importException(transport: Transport): Promise<ExceptionClass> {
  const { specifier, exportName, load } = SOURCES[transport];
  const module = (await load()) as Record<string, unknown>;
  const exception = module[exportName];
  if (typeof exception !== 'function') throw new Error(`${specifier} does not export ${exportName}`);
  return exception as ExceptionClass;
}
