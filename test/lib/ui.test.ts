import {expect} from 'chai'

import {Spinner, Ui} from '../../src/lib/ui.js'

/** A stand-in for stderr/stdout: records what is written, terminal or not. */
function stream(isTTY: boolean): NodeJS.WriteStream & {written: string} {
  const s = {
    isTTY,
    written: '',
    write(chunk: string) {
      s.written += chunk
      return true
    },
  }
  return s as unknown as NodeJS.WriteStream & {written: string}
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('ui', () => {
  it('spins on a terminal and erases itself when stopped', async () => {
    const tty = stream(true)
    const spinner = new Spinner('waiting', tty).start(0)
    await wait(200)
    spinner.stop()
    expect(tty.written).to.match(/⠋ waiting/)
    expect(tty.written.endsWith('\r\u001B[K')).to.equal(true)
  })

  it('says what update() gives it from the next frame on, each frame on a cleared line', async () => {
    const tty = stream(true)
    const spinner = new Spinner('waiting for order 1: open', tty).start(0)
    await wait(120)
    spinner.update('waiting for order 1: filled')
    await wait(200)
    spinner.stop()
    const frames = tty.written.split('\r\u001B[K').map((f) => f.slice(2))
    expect(frames).to.include('waiting for order 1: open')
    expect(frames).to.include('waiting for order 1: filled')
  })

  it('never spins when the stream is not a terminal', async () => {
    const pipe = stream(false)
    const spinner = new Spinner('waiting', pipe).start(0)
    await wait(200)
    spinner.stop()
    expect(pipe.written).to.equal('')
  })

  it('colors only on a terminal without NO_COLOR', async () => {
    expect((await Ui.create(stream(true), {})).side('buy')).to.equal('\u001B[32mbuy\u001B[39m')
    expect((await Ui.create(stream(true), {NO_COLOR: '1'})).side('buy')).to.equal('buy')
    expect((await Ui.create(stream(false), {})).side('sell')).to.equal('sell')
  })

  it('draws tables without borders or trailing spaces, within 80 columns for a typical row', async () => {
    const ui = await Ui.create(stream(false), {})
    const text = ui.table(
      ['ID', 'Created', 'Symbol', 'Side', 'Type', 'Quantity', 'Price', 'Status', 'Filled'],
      [[12, '2026-11-29 20:05:00', 'BTC/USDT', 'buy', 'limit', '0.01', '20000', 'open', '0']],
    )
    for (const line of text.split('\n')) {
      expect(line.length).to.be.at.most(80)
      expect(line).to.equal(line.trimEnd())
      expect(line).to.not.match(/[│─┌┐└┘]/)
    }
  })
})
