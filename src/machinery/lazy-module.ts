// A module loaded on first need (or in the background after start-up), so that start-up does
// not pay for code most requests in the first second never use.

export interface LazyModule<T> {
  /** Starts loading if needed; resolves with the module. */
  load(): Promise<T>;
  /** The module if loaded; throws otherwise (callers await load() first). */
  get(): T;
  loaded(): boolean;
}

export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let value: T | undefined;
  let pending: Promise<T> | undefined;
  return {
    load() {
      return (pending ??= importer().then((m) => (value = m)));
    },
    get() {
      if (value === undefined) throw new Error('module used before it was loaded');
      return value;
    },
    loaded: () => value !== undefined,
  };
}
