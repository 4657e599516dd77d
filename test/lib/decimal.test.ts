import {expect} from 'chai'

import {Decimal, isOnStep, parsePlainDecimal, roundToTick, str, truncateToStep} from '../../src/lib/decimal.js'

describe('decimal', () => {
  it('parses plain decimals only', () => {
    for (const ok of ['0', '1', '0.5', '.5', '5.', '27910.38', '000.001'])
      expect(parsePlainDecimal(ok), ok).to.not.equal(null)
    for (const bad of [
      '-1',
      '+1',
      'NaN',
      'Infinity',
      '1e309',
      '1e-7',
      '0x10',
      'abc',
      '',
      ' ',
      '1,5',
      '１２',
      '٣',
      '1.2.3',
      '1_000',
    ]) {
      expect(parsePlainDecimal(bad), JSON.stringify(bad)).to.equal(null)
    }
  })

  it('refuses more than 40 digits', () => {
    expect(parsePlainDecimal('1'.repeat(40))).to.not.equal(null)
    expect(parsePlainDecimal('1'.repeat(41))).to.equal(null)
  })

  it('prints without exponent or trailing zeros', () => {
    expect(str('0.00000001')).to.equal('0.00000001')
    expect(str(new Decimal('1e-12'))).to.equal('0.000000000001')
    expect(str(new Decimal('1e25'))).to.equal('10000000000000000000000000')
    expect(str('27910.38000000')).to.equal('27910.38')
    expect(str('-0')).to.equal('0')
  })

  it('adds 0.1 and 0.2 exactly', () => {
    expect(str(new Decimal('0.1').plus('0.2'))).to.equal('0.3')
  })

  it('truncates amounts to the step and rounds prices to the tick', () => {
    expect(str(truncateToStep(new Decimal('0.123456789'), new Decimal('0.00001')))).to.equal('0.12345')
    expect(str(truncateToStep(new Decimal('7'), new Decimal('5')))).to.equal('5')
    expect(str(truncateToStep(new Decimal('0.000009'), new Decimal('0.00001')))).to.equal('0')
    expect(str(roundToTick(new Decimal('27910.125'), new Decimal('0.01')))).to.equal('27910.13')
    expect(str(roundToTick(new Decimal('27910.124'), new Decimal('0.01')))).to.equal('27910.12')
    expect(str(roundToTick(new Decimal('0.0629081'), new Decimal('0.00001')))).to.equal('0.06291')
    expect(isOnStep(new Decimal('0.3'), new Decimal('0.1'))).to.equal(true)
    expect(isOnStep(new Decimal('0.35'), new Decimal('0.1'))).to.equal(false)
  })
})
