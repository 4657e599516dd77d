/** Assets valued at exactly 1 USD: the USD stablecoins an exchange quotes in. */
export const USD_STABLES = new Set(['USD', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'USDP', 'DAI', 'PAX'])

export const isUsdStable = (asset: string) => USD_STABLES.has(asset.toUpperCase())

/** The markets that price an asset in USD, in order of preference. */
export const usdQuotes = ['USD', 'USDT', 'USDC']
