export const kernelDir: string
export const kernelOutput: string
export function buildKernels(options?: { force?: boolean; log?: (message: string) => void }): string
