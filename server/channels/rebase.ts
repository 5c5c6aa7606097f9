/**
 * After the server listens on its real port (tests listen on port 0), URLs that were derived
 * from the old public base URL move to the new one; URLs configured to point elsewhere stay.
 * Returns the function that maps one URL.
 */
export function baseUrlSwap(oldBase: string, newBase: string): (url: string) => string {
  const from = oldBase.replace(/\/+$/, '');
  const to = newBase.replace(/\/+$/, '');
  return (url) => (from !== to && (url === from || url.startsWith(`${from}/`)) ? to + url.slice(from.length) : url);
}
