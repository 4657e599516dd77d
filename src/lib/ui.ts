import type Table from 'cli-table3'

import type {OutputStream} from './cli/io.js'

type HorizontalTable = InstanceType<typeof Table>

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/**
 * A progress spinner on stderr, only when stderr is a terminal, shown only when the wait is long
 * enough to notice. Stopping it erases it, so nothing of it stays on the screen or in a pipe.
 */
export class Spinner {
  private timer?: NodeJS.Timeout
  private frame = 0
  private shown = false

  constructor(
    private text: string,
    private readonly stream: OutputStream = process.stderr,
  ) {}

  /** Says something else from the next frame on (a wait's progress). */
  update(text: string): void {
    this.text = text
  }

  start(delayMs = 250): this {
    if (!this.stream.isTTY || this.timer) return this
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => {
        this.draw()
      }, 80)
      this.draw()
    }, delayMs)
    this.timer.unref()
    return this
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.shown) this.stream.write('\r\u001B[K')
    this.shown = false
  }

  private draw() {
    this.shown = true
    this.stream.write(`\r\u001B[K${FRAMES[this.frame++ % FRAMES.length]} ${this.text}`)
  }
}

/**
 * A progress bar on stderr for work counted in steps, only when stderr is a terminal; finishing it
 * erases it, so nothing of it stays on the screen or in a pipe.
 */
export class ProgressBar {
  private shown = false

  constructor(
    private readonly text: string,
    private readonly stream: OutputStream = process.stderr,
    private readonly width = 24,
  ) {}

  update(done: number, total: number, label = ''): void {
    if (!this.stream.isTTY || total <= 0) return
    const filled = Math.round((Math.min(done, total) / total) * this.width)
    const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`
    this.stream.write(`\r\u001B[K${this.text} ${bar} ${String(done)}/${String(total)} ${label}`)
    this.shown = true
  }

  done(): void {
    if (this.shown) this.stream.write('\r\u001B[K')
    this.shown = false
  }
}

/**
 * How human output looks: color only on a terminal and never with NO_COLOR, tables that drop their
 * decoration when piped. Loaded only when a command prints for a person, never for --json.
 */
export class Ui {
  private constructor(
    readonly color: boolean,
    readonly tty: boolean,
    private readonly Table: new (options: object) => HorizontalTable,
  ) {}

  static async create(stream: OutputStream = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<Ui> {
    const tty = Boolean(stream.isTTY)
    const color = tty && env.NO_COLOR === undefined && env.TERM !== 'dumb'
    const {default: Table} = await import('cli-table3')
    return new Ui(color, tty, Table)
  }

  private paint(code: number, text: string): string {
    return this.color ? `\u001B[${String(code)}m${text}\u001B[39m` : text
  }

  green = (text: string) => this.paint(32, text)
  red = (text: string) => this.paint(31, text)
  yellow = (text: string) => this.paint(33, text)
  dim = (text: string) => (this.color ? `\u001B[2m${text}\u001B[22m` : text)
  bold = (text: string) => (this.color ? `\u001B[1m${text}\u001B[22m` : text)

  side = (side: string) => (side === 'buy' ? this.green(side) : side === 'sell' ? this.red(side) : side)

  /** Green when positive, red when negative. */
  signed = (value: string | null) => {
    if (value === null) return '-'
    return value.startsWith('-') ? this.red(value) : value === '0' ? value : this.green(value)
  }

  /** A table without borders (it fits 80 columns and pastes cleanly), bold headings on a terminal. */
  table(head: string[], rows: (string | number | null | undefined)[][], align?: ('left' | 'right')[]): string {
    const table = new this.Table({
      head: head.map((h) => this.bold(h)),
      chars: BORDERLESS,
      style: {head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0},
      ...(align ? {colAligns: align} : {}),
    })
    for (const r of rows) table.push(r.map((c) => (c === null || c === undefined ? '-' : String(c))))
    return table
      .toString()
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
  }

  /**
   * A time for people, the same everywhere: UTC, to the second, saying so ("2026-12-04 16:07:20 UTC");
   * in a table whose header says "(UTC)", without the suffix.
   */
  time(iso: string | null | undefined, options: {inTable?: boolean} = {}): string | null {
    if (!iso) return null
    const text = iso.replace('T', ' ').slice(0, 19)
    return options.inTable ? text : `${text} UTC`
  }

  /** Two columns of label and value. */
  pairs(entries: [string, string | number | boolean | null | undefined][]): string {
    const width = Math.max(...entries.map(([k]) => k.length))
    return entries
      .map(([k, v]) => `${this.dim(k.padEnd(width))}  ${v === null || v === undefined ? '-' : String(v)}`)
      .join('\n')
  }
}
