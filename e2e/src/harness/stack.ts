/**
 * Everything a scenario starts, stopped in reverse order when it ends, also when it fails: no
 * server, nginx or browser context outlives its scenario.
 */
export class Stack {
  #cleanups: Array<() => Promise<void> | void> = [];

  /** Register a resource and its stop function; returns the resource. */
  use<T>(resource: T, stop: (resource: T) => Promise<void> | void): T {
    this.#cleanups.push(() => stop(resource));
    return resource;
  }

  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const cleanup of this.#cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    this.#cleanups = [];
    if (errors.length)
      throw new AggregateError(errors, '[skewless] some scenario resources did not stop cleanly');
  }
}

/** Run `fn` with a fresh stack and always close it. */
export async function withStack<T>(fn: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = new Stack();
  try {
    return await fn(stack);
  } finally {
    await stack.close();
  }
}
