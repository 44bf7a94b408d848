/**
 * WsException and RpcException, looked up the first time a locked call arrives over that
 * transport. `@nestjs/websockets` and `@nestjs/microservices` are optional peers: an app that has
 * no gateway or microservice never loads them (no static import anywhere in the library), and an
 * app that has one has the package installed, since its gateway or handler needs it.
 */
type ExceptionClass = new (error: object) => Error;

export type Transport = 'ws' | 'rpc';

const SOURCES: Record<Transport, { specifier: string; exportName: string }> = {
  ws: { specifier: '@nestjs/websockets', exportName: 'WsException' },
  rpc: { specifier: '@nestjs/microservices', exportName: 'RpcException' },
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
  const { specifier, exportName } = SOURCES[transport];
  // A variable specifier keeps bundlers and the type checker from pulling the package in.
  const module = (await import(specifier)) as Record<string, unknown>;
  const exception = module[exportName];
  if (typeof exception !== 'function') throw new Error(`${specifier} does not export ${exportName}`);
  return exception as ExceptionClass;
}
