/**
 * Matches the names a file uses to actor ids: an explicit alias map first, then actor ids, names
 * and aliases, case-insensitively and ignoring surrounding space.
 */
export class ActorResolver {
  readonly #byName = new Map<string, string>()
  readonly #explicit: Map<string, string>

  constructor(actors: { id: string; name: string; aliases: string[] }[], aliasMap: Record<string, string> = {}) {
    this.#explicit = new Map(Object.entries(aliasMap).map(([from, to]) => [normalise(from), to]))
    for (const actor of actors) {
      for (const name of [actor.id, actor.name, ...actor.aliases]) {
        if (!this.#byName.has(normalise(name))) this.#byName.set(normalise(name), actor.id)
      }
    }
  }

  resolve(name: string): string | undefined {
    const key = normalise(name)
    return this.#explicit.get(key) ?? this.#byName.get(key)
  }
}

function normalise(name: string): string {
  return name.trim().toLowerCase()
}
