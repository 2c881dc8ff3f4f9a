/** The pure CSV reader: RFC 4180 tokenizing in pieces, dialect and header detection, and what a cell means. */
import { describe, expect, it } from 'vitest'
import { CsvTokenizer, detectDialect, parseCsvText, parseDelimiterOption } from '../../src/shared/data/csv'
import { DataError } from '../../src/shared/data/errors'
import { isMissingCell, isNonFiniteCell, parseNumber, parseTime } from '../../src/shared/data/values'

const tricky = 'id,comment,value\r\n1,"hello, world",1.5\r\n2,"she said ""hi""",2.5\r\n3,"two\nlines",3.5\r\n\r\n4,,"4.5"\n5,last,5.5'

describe('CsvTokenizer', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, and reports the line each record starts on', () => {
    const records = parseCsvText(tricky, ',')
    expect(records.map((r) => r.fields)).toEqual([
      ['id', 'comment', 'value'],
      ['1', 'hello, world', '1.5'],
      ['2', 'she said "hi"', '2.5'],
      ['3', 'two\nlines', '3.5'],
      ['4', '', '4.5'],
      ['5', 'last', '5.5']
    ])
    // Record 3 spans lines 4–5; the blank line 6 is skipped.
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 7, 8])
  })

  it('gives the same records however the text is cut into pieces (cuts inside quotes, between "" and between CR and LF)', () => {
    const whole = parseCsvText(tricky, ',')
    for (let size = 1; size <= 7; size++) {
      const records: { fields: string[]; line: number }[] = []
      const t = new CsvTokenizer(',', (fields, line) => records.push({ fields, line }))
      for (let i = 0; i < tricky.length; i += size) t.push(tricky.slice(i, i + size))
      t.end()
      expect(records, `pieces of ${size}`).toEqual(whole)
    }
  })

  it('handles CR-only line ends and a last line without a line break', () => {
    expect(parseCsvText('a;b\r1;2\r3;4', ';').map((r) => [r.fields, r.line])).toEqual([
      [['a', 'b'], 1],
      [['1', '2'], 2],
      [['3', '4'], 3]
    ])
  })

  it('keeps a line holding only "" as a record with one empty field', () => {
    expect(parseCsvText('a\n""\n', ',').map((r) => r.fields)).toEqual([['a'], ['']])
  })

  it('reports a quote that is never closed with the line it opens on', () => {
    const error = (() => {
      try {
        parseCsvText('a,b\n1,2\n3,"oops\n4,5\n', ',')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(DataError)
    expect((error as DataError).line).toBe(3)
    expect((error as DataError).message).toMatch(/never closed.*Close the quote/)
  })
})

describe('detectDialect', () => {
  it.each([
    [',', 'a,b,c\n1,2,3\n4,5,6\n'],
    [';', 'a;b;c\n1;2;3\n4;5;6\n'],
    ['\t', 'a\tb\tc\n1\t2\t3\n4\t5\t6\n'],
    ['|', 'a|b|c\n1|2|3\n4|5|6\n']
  ])('detects the delimiter %j', (delimiter, text) => {
    const d = detectDialect(text)
    expect(d.dialect.delimiter).toBe(delimiter)
    expect(d.columns).toEqual(['a', 'b', 'c'])
    expect(d.source.delimiter).toBe('detected')
  })

  it('detects decimal commas in a semicolon file (where splitting on commas would also be consistent)', () => {
    const d = detectDialect('Datum;Wert;Menge\n2024-01-01;3,5;1,25\n2024-01-02;4,5;2,5\n2024-01-03;-1,5;0,75\n')
    expect(d.dialect).toEqual({ delimiter: ';', decimal: ',', header: true })
    expect(d.sampleTypes).toEqual(['time', 'number', 'number'])
  })

  it('keeps decimal points in a semicolon file with point decimals', () => {
    expect(detectDialect('a;b\n1.5;2\n2.5;3\n').dialect.decimal).toBe('.')
  })

  it('detects a header over numbers, and its absence', () => {
    expect(detectDialect('t,x\n1,2\n2,3\n').dialect.header).toBe(true)
    const none = detectDialect('1,2\n2,3\n3,4\n')
    expect(none.dialect.header).toBe(false)
    expect(none.columns).toEqual(['column1', 'column2'])
  })

  it('lets every setting be forced, and says which were given', () => {
    const d = detectDialect('1,5;2\n3;4\n', { delimiter: 'semicolon', decimal: ',', header: false })
    expect(d.dialect).toEqual({ delimiter: ';', decimal: ',', header: false })
    expect(d.source).toEqual({ delimiter: 'given', decimal: 'given', header: 'given' })
    expect(d.sampleTypes).toEqual(['number', 'number'])
  })

  it('ignores the cut last line of a partial sample', () => {
    const d = detectDialect('a,b\n1,2\n3,4\n5', {}, false)
    expect(d.dialect.delimiter).toBe(',')
  })

  it('rejects a delimiter it does not support, naming those it does', () => {
    expect(() => parseDelimiterOption(':')).toThrow(/comma \(,\), semicolon \(;\), tab or pipe/)
    expect(parseDelimiterOption('tab')).toBe('\t')
    expect(parseDelimiterOption('\\t')).toBe('\t')
  })
})

describe('cells', () => {
  it('parses plain decimals and rejects what is not one', () => {
    expect(parseNumber('3.25', '.')).toBe(3.25)
    expect(parseNumber('-1e3', '.')).toBe(-1000)
    expect(parseNumber('.5', '.')).toBe(0.5)
    expect(parseNumber('3,25', ',')).toBe(3.25)
    for (const bad of ['3,25', '0x10', '1 000', 'abc', '1.2.3']) expect(parseNumber(bad, '.'), bad).toBeNaN()
    expect(parseNumber('3.25', ',')).toBeNaN()
  })

  it('tells missing cells from non-finite numbers', () => {
    for (const m of ['', 'NA', 'n/a', '#N/A', 'null', 'None', '?']) expect(isMissingCell(m), m).toBe(true)
    expect(isMissingCell('NaN')).toBe(false)
    for (const nf of ['NaN', 'Infinity', '-inf', '1e999']) expect(isNonFiniteCell(nf, parseNumber(nf, '.')), nf).toBe(true)
    expect(isNonFiniteCell('abc', NaN)).toBe(false)
  })

  it('reads ISO dates as UTC milliseconds and plain numbers as they are, so order never depends on the time zone', () => {
    expect(parseTime('2024-03-01')).toBe(Date.UTC(2024, 2, 1))
    expect(parseTime('2024-03')).toBe(Date.UTC(2024, 2, 1))
    expect(parseTime('2024-03-01 12:30')).toBe(Date.UTC(2024, 2, 1, 12, 30))
    expect(parseTime('2024-03-01T12:30:00+0100')).toBe(Date.UTC(2024, 2, 1, 11, 30))
    expect(parseTime('1880')).toBe(1880)
    expect(parseTime('Jan 1 2000')).toBeNaN()
  })
})

describe('ISO dates on the fast path', () => {
  it('read the common fixed shapes exactly like the general parser, and refuse impossible fields', () => {
    expect(parseTime('2024-03-01 12:30:05')).toBe(Date.UTC(2024, 2, 1, 12, 30, 5))
    expect(parseTime('2024-03-01T12:30')).toBe(Date.UTC(2024, 2, 1, 12, 30))
    expect(parseTime('2024-03-01')).toBe(Date.UTC(2024, 2, 1))
    expect(parseTime('2024-03-01T12:30:05.250Z')).toBe(Date.UTC(2024, 2, 1, 12, 30, 5, 250))
    expect(parseTime('0050-01-01')).toBe(new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(50))
    for (const bad of ['2024-13-01', '2024-00-10', '2024-03-01X12:30', '2024-3-1']) expect(parseTime(bad), bad).toBeNaN()
  })
})

describe('single-column files', () => {
  it('have no delimiter to find: one column, named by its header', () => {
    const d = detectDialect('value\n1.5\n2.5\n3\n')
    expect(d.columns).toEqual(['value'])
    expect(d.dialect.header).toBe(true)
    expect(d.sampleTypes).toEqual(['number'])
  })
})
