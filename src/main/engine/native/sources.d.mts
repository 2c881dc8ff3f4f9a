/** The files of a native build, relative to addonDir, in a fixed order. */
export function nativeSourceFiles(addonDir: string): string[]
/** sha256 (hex) over every source file's name and bytes; null where the sources are not there (a packaged app). */
export function nativeSourceHash(addonDir: string): string | null
