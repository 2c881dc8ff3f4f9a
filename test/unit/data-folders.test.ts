/** The data-folder rule of the lab's settings (src/main/settings/dataFolders.ts): what may be added, and storage. */
import { describe, expect, it } from 'vitest'
import { writeFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { addedDataFolders, checkDataFolder, saveDataFolders } from '../../src/main/settings/dataFolders'
import { openTemp } from '../fixtures/store/helpers'
import { tempDir } from '../helpers/host'

describe('checkDataFolder', () => {
  it('accepts an existing folder (its real path) and refuses files, missing paths, relative paths, / and system folders', () => {
    const dir = tempDir('gatelab-folder-')
    const link = join(tempDir('gatelab-folder-link-'), 'to-dir')
    symlinkSync(dir, link)
    expect(checkDataFolder(dir)).toBe(dir)
    expect(checkDataFolder(link)).toBe(dir)
    writeFileSync(join(dir, 'a.csv'), 'x\n')
    expect(() => checkDataFolder(join(dir, 'a.csv'))).toThrow(/is a file, not a folder/)
    expect(() => checkDataFolder(join(dir, 'nope'))).toThrow(/There is no folder/)
    expect(() => checkDataFolder('data')).toThrow(/not an absolute path/)
    expect(() => checkDataFolder('/')).toThrow(/root of the file system/)
    for (const system of ['/etc', '/proc', '/sys', '/dev', '/usr/lib', '/var']) expect(() => checkDataFolder(system), system).toThrow(/is a system folder/)
    // A link into a system folder is judged by where it points.
    const sneaky = join(tempDir('gatelab-folder-link-'), 'etc')
    symlinkSync('/etc', sneaky)
    expect(() => checkDataFolder(sneaky)).toThrow(/is a system folder \(\/etc\)/)
  })

  it('saves the checked, de-duplicated list in the lab settings and reads it back; a bad folder saves nothing', () => {
    const store = openTemp()
    const a = tempDir('gatelab-folder-a-')
    const b = tempDir('gatelab-folder-b-')
    expect(addedDataFolders(store)).toEqual([])
    expect(saveDataFolders(store, [a, b, a])).toEqual([a, b])
    expect(addedDataFolders(store)).toEqual([a, b])
    expect(() => saveDataFolders(store, [a, '/etc'])).toThrow(/system folder/)
    expect(addedDataFolders(store)).toEqual([a, b])
    expect(() => saveDataFolders(store, Array.from({ length: 51 }, () => a))).toThrow(/At most 50/)
    store.close()
  })
})
