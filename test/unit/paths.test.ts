import { describe, expect, it } from 'vitest'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { defaultUserDataDir, resolveDbPath } from '../../src/main/paths'
import { isLoopbackHost } from '../../src/main/web/server'

describe('default locations', () => {
  it('mirror Electron userData on each platform', () => {
    expect(defaultUserDataDir('linux', {})).toBe(join(homedir(), '.config', 'GateLab'))
    expect(defaultUserDataDir('linux', { XDG_CONFIG_HOME: '/x' })).toBe(join('/x', 'GateLab'))
    expect(defaultUserDataDir('darwin', {})).toBe(join(homedir(), 'Library', 'Application Support', 'GateLab'))
    expect(defaultUserDataDir('win32', { APPDATA: 'C:\\Users\\r\\AppData\\Roaming' })).toContain('GateLab')
  })

  it('prefer --db, then GATELAB_DB, then the default', () => {
    expect(resolveDbPath('/a.db', { GATELAB_DB: '/b.db' })).toBe('/a.db')
    expect(resolveDbPath(undefined, { GATELAB_DB: '/b.db' })).toBe('/b.db')
    expect(resolveDbPath(undefined, { XDG_CONFIG_HOME: '/cfg' })).toBe(join('/cfg', 'GateLab', 'gatelab.db'))
  })
})

describe('loopback Host check (DNS rebinding)', () => {
  it.each([
    ['127.0.0.1:8080', true],
    ['localhost:3000', true],
    ['LOCALHOST', true],
    ['[::1]:80', true],
    ['evil.example:8080', false],
    ['127.0.0.1.evil.example', false],
    ['192.168.1.4:8080', false],
    [undefined, false]
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})
