/** Types of next-path.js for the Node tests that import it (the browser loads the .js). */
export declare function safeNextPath(next: unknown, origin: string): string;
