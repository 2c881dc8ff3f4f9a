import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { shellWord } from '../../src/renderer/src/format'

describe('shellWord (the --db path in the runs table empty state)', () => {
  it('leaves plain paths bare and quotes the rest so a POSIX shell reads back the same path', () => {
    expect(shellWord('/home/ana/lab.db')).toBe('/home/ana/lab.db')
    for (const path of ['/home/ana/my lab.db', "/tmp/it's.db", '/tmp/$HOME/`x`;rm -rf.db', '/tmp/a"b\\c.db']) {
      const word = shellWord(path)
      expect(word).not.toBe(path)
      expect(execFileSync('sh', ['-c', `printf %s ${word}`]).toString()).toBe(path)
    }
  })
})
