/** The IPC channel names shared by the preload bridge and the main process. */
export const ipcChannels = {
  call: 'gatelab:call',
  event: 'gatelab:event'
} as const
