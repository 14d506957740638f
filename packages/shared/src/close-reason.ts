/** A websocket close reason may hold at most 123 bytes of UTF-8; cut at a character boundary. */
export function closeReason(text: string): string {
  let reason = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > 123) break;
    reason += char;
    bytes += size;
  }
  return reason;
}
