// Types of ports.js (see there for when to use which).
/** A TCP port on 127.0.0.1 nothing listens on at this moment: only for "connection refused". */
export declare function closedPort(): Promise<number>;
/** Whether `error` says the port was taken (EADDRINUSE / "Address already in use"). */
export declare function isAddressInUse(error: unknown): boolean;
/** `start(port)` on a free port, again on a new one while it fails with EADDRINUSE. */
export declare function listenOnFreePort<T>(start: (port: number) => Promise<T>, attempts?: number): Promise<T>;
