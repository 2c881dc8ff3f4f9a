export const kernelDir: string
export const prebuiltDir: string
export const kernelModules: ReadonlyArray<{ file: string; extra: string[] }>
export function kernelSourceHash(): string
/** Paths of the compiled modules in kernelDir, by file name. */
export function buildKernels(options?: { force?: boolean; log?: (message: string) => void }): Record<string, string>
