import { describe, expect, it } from 'vitest'
import { toCsv } from './csv'

describe('toCsv', () => {
  it('quotes only what needs quoting and ends rows with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x,y'],
          ['say "hi"', null],
        ],
      ),
    ).toBe('a,b\r\n1,"x,y"\r\n"say ""hi""",\r\n')
  })

  it('turns every cell that starts like a formula into text (docs/contract.md §15)', () => {
    const csv = toCsv(
      ['model'],
      [
        ['=HYPERLINK("http://evil","click")'],
        ['+1+1'],
        ['-2+3'],
        ['@SUM(A1)'],
        ['\tcmd'],
        ['\r=1'],
        ['claude-sonnet-5-5'],
        [-5],
      ],
    )
    expect(csv.split('\r\n')).toEqual([
      'model',
      `"'=HYPERLINK(""http://evil"",""click"")"`,
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\tcmd",
      `"'\r=1"`,
      'claude-sonnet-5-5',
      '-5',
      '',
    ])
  })
})
