/** A tiny typed event hub: the Lab publishes, each transport (IPC, SSE) subscribes for as long as a UI listens. */
export class EventHub<E> {
  private readonly listeners = new Set<(event: E) => void>()

  subscribe(listener: (event: E) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  publish(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (error) {
        // One broken subscriber (a closed socket, a destroyed window) must not starve the others.
        console.error('GateLab: an event subscriber failed:', error instanceof Error ? error.message : error)
      }
    }
  }

  get size(): number {
    return this.listeners.size
  }
}
