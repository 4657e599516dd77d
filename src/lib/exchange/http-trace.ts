/** One HTTP request an exchange library made: what --verbose prints and the log counts. */
export interface HttpExchange {
  /** the broker whose exchange was asked */
  broker: string
  method: string
  url: string
  /** null: no answer (a timeout, a refused or dropped connection) */
  status: number | null
  ms: number
}

/** Sees every HTTP request a gateway makes, as it completes. */
export type HttpObserver = (exchange: HttpExchange) => void

/** URL parameters that carry or prove a credential: signature, sign, apiKey, api_key, secret, passphrase, token... */
const CREDENTIAL_PARAM = /sign|key|secret|pass|token|auth/i

/** A request's path and query, without any credential-bearing parameter: what --verbose shows. */
export function redactedPath(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return '(unreadable URL)'
  }

  const kept = [...parsed.searchParams].filter(([name]) => !CREDENTIAL_PARAM.test(name))
  const query = new URLSearchParams(kept).toString()
  return `${parsed.pathname}${query ? `?${query}` : ''}`
}

/** A text (an error message quoting a request) with every URL's credential-bearing parameters dropped. */
export function redactUrls(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>]+/g, (url) => {
    try {
      return `${new URL(url).origin}${redactedPath(url)}`
    } catch {
      return url.split('?')[0]
    }
  })
}

/** Whether a request failed in transit or at the server: no answer, rate limited, or a 5xx. */
export function failedInTransit(exchange: HttpExchange): boolean {
  const {status} = exchange
  return status === null || status === 429 || status === 418 || status >= 500
}
