/**
 * Input never reaches code as a key (OWASP input validation): a user-supplied name — a sort key, a metric, a grid or
 * group-by key — is looked up only among an object's own properties, so `__proto__`, `constructor` or `toString` are
 * simply unknown names, never Object.prototype's members.
 */

/** record[key] when `key` is the record's own property; otherwise undefined. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined
}

/** True when `key` is one of `allowed` (an array or the own keys of a record). */
export function isAllowedKey(key: string, allowed: readonly string[] | Readonly<Record<string, unknown>>): boolean {
  return Array.isArray(allowed) ? allowed.includes(key) : Object.prototype.hasOwnProperty.call(allowed, key)
}
