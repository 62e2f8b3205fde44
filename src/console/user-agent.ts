/** A user agent string summed up as "Chrome 124 on Windows": what an agent needs, not the whole string. */

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/Chrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
]

const SYSTEMS: Array<[RegExp, string]> = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
]

export function summariseUserAgent(ua: string): string {
  const browser = BROWSERS.map(([re, name]) => [re.exec(ua), name] as const).find(([m]) => m)
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1]
  const b = browser ? `${browser[1]} ${browser[0]![1]}` : 'Unknown browser'
  const mobile = /Mobi|iPhone|Android.+Mobile/.test(ua) ? ' (phone)' : ''
  return system ? `${b} on ${system}${mobile}` : b
}
