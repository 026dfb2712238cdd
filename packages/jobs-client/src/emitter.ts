/** A tiny typed event emitter (Node's EventEmitter API shape, without depending on node:events). */
export class Emitter<Events extends Record<string, (...args: never[]) => void>> {
  readonly #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  on<E extends keyof Events>(event: E, listener: Events[E]): this {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener);
    this.#listeners.set(event, set);
    return this;
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  once<E extends keyof Events>(event: E, listener: Events[E]): this {
    const wrapped = ((...args: Parameters<Events[E]>) => {
      this.off(event, wrapped);
      listener(...args);
    }) as Events[E];
    return this.on(event, wrapped);
  }

  /** Calls each listener; one that throws does not stop the others. Returns whether any listened. */
  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean {
    const set = this.#listeners.get(event);
    if (!set?.size) return false;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }
}
